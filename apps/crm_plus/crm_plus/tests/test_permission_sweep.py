"""A sweep over every whitelisted method and DocType of the app: as a guest, as a rep of another
team. None may return a record it should not; two users saving one complaint get a conflict."""

import inspect

import frappe

from crm_plus.tests.utils import OrgTestCase, make_transaction

GUEST_METHODS = {
	"crm_plus.crm_surveys.api.submit",
	"crm_plus.crm_complaints.feedback.submit",
	"crm_plus.crm_complaints.public_form.submit_complaint",
}


def app_whitelisted() -> dict[str, object]:
	import crm_plus.crm_complaints.doctype.crm_complaint.crm_complaint
	import crm_plus.crm_complaints.doctype.crm_solution.crm_solution
	import crm_plus.crm_complaints.feedback
	import crm_plus.crm_complaints.public_form
	import crm_plus.crm_customers.grading
	import crm_plus.crm_sales.kanban
	import crm_plus.crm_setup.number_cards
	import crm_plus.crm_surveys.api
	import crm_plus.security.framework_overrides  # noqa: F401

	found = {}
	for fn in frappe.whitelisted:
		module = getattr(fn, "__module__", "") or ""
		if module.startswith("crm_plus.") and not inspect.ismethod(fn):
			found[f"{module}.{fn.__qualname__}"] = fn
	return found


class TestPermissionSweep(OrgTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_transaction(cls.org.c_a1, 1000)

	def test_guests_reach_only_the_survey_submission(self):
		methods = app_whitelisted()
		self.assertIn("crm_plus.crm_customers.grading.override_grade", methods)
		self.assertGreaterEqual(len(methods), 8)
		frappe.set_user("Guest")
		for name, fn in methods.items():
			if name in GUEST_METHODS:
				frappe.is_whitelisted(fn)  # allowed
				continue
			with self.assertRaises(frappe.PermissionError, msg=name):
				frappe.is_whitelisted(fn)

	def test_a_rep_of_another_team_gets_nothing_from_any_doctype(self):
		o = self.org
		doctypes = frappe.get_all(
			"DocType",
			{
				"module": (
					"in",
					["CRM Customers", "CRM Setup", "CRM Visits", "CRM Surveys", "CRM Complaints"],
				),
				"istable": 0,
				"issingle": 0,
			},
			pluck="name",
		)
		linked = [dt for dt in doctypes if frappe.get_meta(dt).has_field("customer")]
		self.assertIn("CRM Complaint", linked)
		self.as_user(o.rep_b)
		for doctype in linked:
			if not frappe.has_permission(doctype, "read"):
				continue
			rows = frappe.get_list(
				doctype, filters={"customer": ("in", [o.c_a1, o.c_a2])}, limit_page_length=0
			)
			self.assertEqual(rows, [], doctype)
		self.assertEqual(frappe.get_list("CRM Customer", filters={"name": ("in", [o.c_a1, o.c_a2])}), [])

	def test_whitelisted_methods_refuse_another_teams_records(self):
		from crm_plus.crm_customers.grading import enqueue_regrade, override_grade

		o = self.org
		self.as_user(o.rep_b)
		with self.assertRaises(frappe.PermissionError):
			override_grade(o.c_a1, "VIP", "mine")
		with self.assertRaises(frappe.PermissionError):
			enqueue_regrade()
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc("CRM Customer", o.c_a1).deactivate("leaving")

	def test_two_users_saving_one_complaint_get_a_conflict(self):
		o = self.org
		complaint = frappe.get_doc(
			{
				"doctype": "CRM Complaint",
				"customer": o.c_a1,
				"subject": "Late",
				"description": "Late delivery",
			}
		).insert()
		first = frappe.get_doc("CRM Complaint", complaint.name)
		second = frappe.get_doc("CRM Complaint", complaint.name)
		first.root_cause = "The Shanghai hub was closed"
		first.save()
		second.root_cause = "Something else"
		with self.assertRaises(frappe.TimestampMismatchError):
			second.save()
		self.assertEqual(
			frappe.db.get_value("CRM Complaint", complaint.name, "root_cause"), "The Shanghai hub was closed"
		)
