"""The security shell's two uses of one condition agree: for every DocType the table checks
(crm_plus.security.table.CHECKED), the records a user's list shows are exactly the records the user
may open one by one, for every place in the organisation."""

import frappe

from crm_plus.security import table
from crm_plus.tests.utils import CRMTestCase, Org, clear_scope_cache

SAMPLE = 40


class TestSecurityShell(CRMTestCase):
	def test_a_list_shows_exactly_the_records_one_may_open(self):
		org = Org()
		users = [org.rep_a1, org.rep_b, org.mgr_a, org.head_b, org.agent_a, org.executive]
		checked = sorted(dt for dt, rule in table.RULES.items() if rule.kind in table.CHECKED)
		allowed = denied = 0
		for doctype in checked:
			names = frappe.get_all(doctype, pluck="name", order_by="modified desc", limit=SAMPLE)
			for user in users:
				frappe.set_user(user)
				clear_scope_cache()
				if not frappe.has_permission(doctype, "read"):
					continue
				listed = set(
					frappe.get_list(
						doctype, filters={"name": ("in", names or [""])}, pluck="name", limit_page_length=0
					)
				)
				for name in names:
					opens = frappe.has_permission(doctype, "read", doc=name)
					self.assertEqual(name in listed, opens, (doctype, name, user))
					allowed += opens
					denied += not opens
				frappe.set_user("Administrator")
		# The sample holds records each user may open and records they may not.
		self.assertGreater(allowed, 0)
		self.assertGreater(denied, 0)
