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

	def test_a_share_is_on_the_page_exactly_when_frappes_list_adds_it(self):
		"""Frappe v15 adds "or shared with the user" to a list only under user permissions (or a role that
		reads only its own records); the page names shared customers only then, and is the rule's both
		ways: without user permissions a customer of division A shared with rep_b is on neither."""
		o = self.org
		frappe.share.add("CRM Customer", o.c_a2, o.rep_b, read=1, notify=0)
		self.addCleanup(self.remove, "DocShare", {"share_doctype": "CRM Customer", "share_name": o.c_a2})
		frappe.db.commit()
		page = self.page(o.rep_b)
		self.assertNotIn(o.c_a2, page)
		self.assertEqual(set(page), set(self.rule(o.rep_b, limit_page_length=0)))
		# A user permission (rep_b's own division) makes Frappe's list add the share: the page follows.
		frappe.get_doc(
			{"doctype": "User Permission", "user": o.rep_b, "allow": "CRM Division", "for_value": o.div_b}
		).insert(ignore_permissions=True)
		self.addCleanup(self.remove, "User Permission", {"user": o.rep_b, "allow": "CRM Division"})
		frappe.db.commit()
		expected = set(self.rule(o.rep_b, limit_page_length=0))
		self.assertIn(o.c_a2, expected)
		self.assertEqual(set(self.page(o.rep_b)), expected)

	def remove(self, doctype, filters):
		for name in frappe.get_all(doctype, filters, pluck="name"):
			frappe.delete_doc(doctype, name, ignore_permissions=True, force=True)
		frappe.db.commit()

	def test_the_scope_and_the_first_own_in_one_read_or_two(self):
		"""scope_with reads the names with the scope, or alone when the request already has the scope:
		the same scope and names either way, and none for a user who sees every customer."""
		from crm_plus.security.scope import get_scope, scope_with

		o = self.org
		sql = "select `name` from `tabCRM Customer` where `account_manager` = %(user)s order by `name` limit %(n)s"
		self.as_user(o.rep_b)
		together = scope_with(o.rep_b, sql, {"n": 2})
		self.as_user(o.rep_b)
		scope = get_scope(o.rep_b)
		self.assertEqual(scope_with(o.rep_b, sql, {"n": 2}), together)
		self.assertEqual(together[0], scope)
		self.assertEqual(together[1], sorted(set(self.own) | {o.c_b})[:2])
		self.assertIn(o.c_a1, scope.assigned)
		self.as_user("Administrator")
		self.assertEqual(scope_with("Administrator", sql, {"n": 2})[1], [])

	def test_a_rep_who_reads_only_what_they_created_gets_the_rules_page(self):
		"""Under a role permission limited to the records the user created (if_owner), not every customer
		the rep manages is one they read: the page is still the rule's, not cut from the rep's newest."""
		o = self.org
		saved = frappe.db.sql("select * from `tabCustom DocPerm` where parent = 'CRM Customer'", as_dict=True)
		self.addCleanup(self.restore_perms, saved)
		frappe.permissions.update_permission_property("CRM Customer", "CRM Sales User", 0, "if_owner", 1)
		# rep_b created the oldest of their customers; the administrator created the newer ones.
		oldest = min([*self.own, o.c_b], key=lambda n: frappe.db.get_value("CRM Customer", n, "modified"))
		frappe.db.set_value("CRM Customer", oldest, "owner", o.rep_b, update_modified=False)
		frappe.db.commit()
		frappe.clear_cache(doctype="CRM Customer")
		self.assertEqual(self.rule(o.rep_b, limit_page_length=0), [oldest])
		self.assertEqual(self.page(o.rep_b, page_length=1), [oldest])
		self.assertEqual(self.page(o.rep_b), [oldest])

	def restore_perms(self, saved):
		frappe.db.delete("Custom DocPerm", {"parent": "CRM Customer"})
		for row in saved:
			frappe.get_doc({**row, "doctype": "Custom DocPerm"}).db_insert()
		frappe.db.commit()
		frappe.clear_cache(doctype="CRM Customer")
