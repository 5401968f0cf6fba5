"""The desk's customer list of a rep with customers assigned by colleagues (crm_plus.list_view, issue 23):
read as two index-ordered reads, the page is still exactly the rule's, over HTTP as reps of two
divisions."""

import frappe

from crm_plus.tests.http import HTTPTestCase
from crm_plus.tests.names import CUSTOMER_TABLE as TABLE
from crm_plus.tests.utils import rep_b_with_a1_assigned


class TestAssignedRepList(HTTPTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		o = cls.org
		# rep_b (division B) covers one customer of division A; rep_b has a few customers of their own.
		cls.own = rep_b_with_a1_assigned(o, "own", 3)
		frappe.db.commit()

	def page(self, user, filters=None, start=0, page_length=20, order="desc"):
		response = self.call(
			self.login(user),
			"frappe.desk.reportview.get",
			doctype="CRM Customer",
			fields=[f"{TABLE}.`name`", f"{TABLE}.`customer_name`"],
			filters=filters or [],
			order_by=f"{TABLE}.`modified` {order}",
			start=start,
			page_length=page_length,
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		message = response.json.get("message") or {}
		if message:
			self.assertEqual(message["keys"], ["name", "customer_name"])  # no helper column left
		return [row[0] for row in message.get("values", [])]

	def rule(self, user, **kwargs):
		self.as_user(user)
		names = frappe.get_list("CRM Customer", pluck="name", **kwargs)
		self.as_user("Administrator")
		return names

	def test_the_page_is_the_rules_own_and_assigned_customers(self):
		o = self.org
		mine = set(self.own) | {o.c_b, o.c_a1}
		self.assertEqual(set(self.page(o.rep_b)), mine)
		self.assertEqual(set(self.page(o.rep_b)), set(self.rule(o.rep_b, limit_page_length=0)))
		# Newest first and oldest first, page by page: every row once, none of another division's.
		frappe.db.set_value("CRM Customer", o.c_a1, "website", "https://example.com", update_modified=True)
		frappe.db.commit()
		for order in ("desc", "asc"):
			pages = [self.page(o.rep_b, start=start, page_length=2, order=order) for start in (0, 2, 4)]
			self.assertEqual(sorted(n for p in pages for n in p), sorted(mine), order)
		self.assertEqual(self.page(o.rep_b, page_length=1), [o.c_a1])  # the newest, assigned
		self.assertNotEqual(self.page(o.rep_b, page_length=1, order="asc"), [o.c_a1])
		self.assertNotIn(o.c_a2, self.page(o.rep_b))

	def test_the_users_filters_apply_to_both_reads(self):
		o = self.org
		name_a1 = frappe.db.get_value("CRM Customer", o.c_a1, "customer_name")
		self.assertEqual(
			self.page(o.rep_b, filters=[["CRM Customer", "customer_name", "=", name_a1]]), [o.c_a1]
		)
		self.assertEqual(
			self.page(o.rep_b, filters={"name": ("in", [o.c_a2, self.own[0]])}), [self.own[0]]
		)  # a customer of division A named in a filter stays out

	def test_a_rep_of_the_other_division_lists_none_of_them(self):
		o = self.org
		listed = self.page(o.rep_a2)
		self.assertNotIn(o.c_b, listed)
		self.assertFalse(set(self.own) & set(listed))
		self.assertEqual(set(listed), set(self.rule(o.rep_a2, limit_page_length=0)))
