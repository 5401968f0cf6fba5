"""Grading on a real site: suggestion on insert, regrade on transactions, nightly set-based regrade,
manual override, history and downgrade alerts."""

from unittest.mock import patch

import frappe
from frappe.model.document import Document
from frappe.utils import add_days, today

from crm_plus.crm_plus.grading import nightly_regrade, override_grade, regrade_customers
from crm_plus.tests.utils import CRMTestCase, Org, make_customer, make_transaction


class TestGrading(CRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.org = Org()

	def test_new_transactions_regrade_the_customer(self):
		doc = make_customer(account_manager=self.org.rep_a1, sales_team=self.org.team_a1)
		self.assertEqual(doc.grade, "Small")
		for days in (1, 20, 40, 60, 80, 100, 120, 150, 170, 200, 250, 300):
			make_transaction(doc.name, 120_000, posting_date=add_days(today(), -days), gross_profit=20_000)
		values = frappe.db.get_value(
			"CRM Customer", doc.name, ["grade", "r_score", "f_score", "m_score", "p_score"], as_dict=True
		)
		self.assertEqual((values.r_score, values.f_score, values.m_score, values.p_score), (5, 5, 5, 5))
		self.assertEqual(values.grade, "VIP")
		log = frappe.get_all(
			"CRM Customer Grade Log", {"customer": doc.name}, ["from_grade", "to_grade"], order_by="name asc"
		)
		self.assertEqual(log[-1].to_grade, "VIP")

	def test_nightly_regrade_is_set_based_and_idempotent(self):
		names = [make_customer(account_manager=self.org.rep_a1).name for _ in range(3)]
		for name in names:
			make_transaction(name, 60_000, gross_profit=12_000)
		# Spoil the stored grades behind the framework's back, as if the rules had changed overnight.
		frappe.db.sql(
			"update `tabCRM Customer` set grade = 'VIP', grade_score = 0 where name in %s", [tuple(names)]
		)

		saves = []
		original_save, original_db_update = Document.save, Document.db_update

		def counting_save(self, *args, **kwargs):
			if self.doctype == "CRM Customer":
				saves.append(self.name)
			return original_save(self, *args, **kwargs)

		def counting_db_update(self, *args, **kwargs):
			if self.doctype == "CRM Customer":
				saves.append(self.name)
			return original_db_update(self, *args, **kwargs)

		with (
			patch.object(Document, "save", counting_save),
			patch.object(Document, "db_update", counting_db_update),
		):
			first = nightly_regrade()
		self.assertEqual(saves, [], "the nightly regrade must not save customers one by one")
		self.assertGreaterEqual(first["changed"], 3)
		grades = set(frappe.get_all("CRM Customer", {"name": ("in", names)}, pluck="grade"))
		self.assertNotIn("VIP", grades)
		second = nightly_regrade()
		self.assertEqual(second["changed"], 0, "a second run changes nothing")

	def test_manual_override_needs_a_manager_and_a_reason_and_survives_regrade(self):
		doc = make_customer(account_manager=self.org.rep_a1, sales_team=self.org.team_a1)
		self.as_user(self.org.rep_a1)
		with self.assertRaises(frappe.PermissionError):
			override_grade(doc.name, "VIP", "my favourite")
		self.as_user(self.org.mgr_a)
		with self.assertRaises(frappe.ValidationError):
			override_grade(doc.name, "VIP", "  ")
		result = override_grade(doc.name, "VIP", "Strategic account for 2027")
		self.assertEqual(result.grade, "VIP")
		self.assertEqual(result.grade_locked, 1)
		self.as_user("Administrator")
		regrade_customers([doc.name])
		values = frappe.db.get_value("CRM Customer", doc.name, ["grade", "suggested_grade"], as_dict=True)
		self.assertEqual(values.grade, "VIP")
		self.assertEqual(values.suggested_grade, "Small")
		log = frappe.get_all(
			"CRM Customer Grade Log",
			{"customer": doc.name, "source": "Manual"},
			["to_grade", "reason", "changed_by"],
		)
		self.assertEqual(
			[(row.to_grade, row.reason, row.changed_by) for row in log],
			[("VIP", "Strategic account for 2027", self.org.mgr_a)],
		)

	def test_manager_of_another_division_cannot_override(self):
		doc = make_customer(account_manager=self.org.rep_a1, sales_team=self.org.team_a1)
		self.as_user(self.org.mgr_b)
		with self.assertRaises(frappe.PermissionError):
			override_grade(doc.name, "VIP", "not mine")

	def test_downgrade_of_a_key_customer_alerts_the_manager(self):
		doc = make_customer(account_manager=self.org.rep_a1, sales_team=self.org.team_a1)
		frappe.db.set_value("CRM Customer", doc.name, {"grade": "Key", "suggested_grade": "Key"})
		before = frappe.db.count("Notification Log", {"for_user": self.org.mgr_a, "document_name": doc.name})
		result = regrade_customers([doc.name])
		self.assertEqual(result["downgrades"], 1)
		self.assertEqual(
			frappe.db.count("Notification Log", {"for_user": self.org.mgr_a, "document_name": doc.name}),
			before + 1,
		)
		log = frappe.get_all(
			"CRM Customer Grade Log", {"customer": doc.name, "is_downgrade": 1}, ["from_grade", "to_grade"]
		)
		self.assertEqual([(row.from_grade, row.to_grade) for row in log], [("Key", "Small")])
		# Running again sends nothing more.
		regrade_customers([doc.name])
		self.assertEqual(
			frappe.db.count("Notification Log", {"for_user": self.org.mgr_a, "document_name": doc.name}),
			before + 1,
		)

	def test_bad_settings_are_refused(self):
		settings = frappe.get_single("CRM Plus Settings")
		settings.recency_thresholds = "30,20,10,5"
		with self.assertRaises(frappe.ValidationError) as ctx:
			settings.save()
		self.assertIn("increase", str(ctx.exception))
		settings.reload()
		settings.grade_formula = "__import__('os').system('true')"
		with self.assertRaises(frappe.ValidationError):
			settings.save()

	def test_admin_formula_is_used(self):
		settings = frappe.get_single("CRM Plus Settings")
		settings.grade_formula = "100 if purchases >= 1 else 0"
		settings.save()
		try:
			doc = make_customer()
			make_transaction(doc.name, 10)
			self.assertEqual(frappe.db.get_value("CRM Customer", doc.name, "grade"), "VIP")
		finally:
			settings.reload()
			settings.grade_formula = None
			settings.save()
