"""The daily plan-completion job: one query over every recent approved plan, only changed rates
written, and a second run changes nothing."""

import frappe
from frappe.utils import today

from crm_plus.crm_visits.jobs import update_plan_completion
from crm_plus.tests.utils import CRMTestCase, Org, make_customer


class TestPlanCompletionJob(CRMTestCase):
	def test_completion_rates_of_recent_plans(self):
		o = Org()
		second = make_customer(account_manager=o.rep_a1, sales_team=o.team_a1).name
		plan = frappe.get_doc(
			{
				"doctype": "CRM Visit Plan",
				"sales_rep": o.rep_a1,
				"period_type": "Month",
				"period_start": today(),
				"items": [
					{"customer": o.c_a1, "planned_date": today(), "visit_type": "On-site"},
					{"customer": second, "planned_date": today(), "visit_type": "Phone"},
				],
			}
		)
		plan.flags.ignore_permissions = True
		plan.insert()
		plan.approval_status = "Approved"
		plan.submit()  # as Administrator: approval plans one visit per row
		visits = [row.visit for row in frappe.get_doc("CRM Visit Plan", plan.name).items]
		self.assertEqual(len([v for v in visits if v]), 2)
		frappe.db.set_value("CRM Visit", visits[0], "status", "Completed")
		frappe.db.set_value("CRM Visit Plan", plan.name, "completion_rate", 0)

		self.assertGreaterEqual(update_plan_completion(), 1)
		self.assertEqual(frappe.db.get_value("CRM Visit Plan", plan.name, "completion_rate"), 50)
		modified = frappe.db.get_value("CRM Visit Plan", plan.name, "modified")
		update_plan_completion()
		self.assertEqual(frappe.db.get_value("CRM Visit Plan", plan.name, "completion_rate"), 50)
		self.assertEqual(frappe.db.get_value("CRM Visit Plan", plan.name, "modified"), modified)


class TestJobsIsolateAFailingRecord(CRMTestCase):
	def test_one_failing_item_is_logged_and_the_others_go_on(self):
		from crm_plus.utils import each_isolated

		org = Org()
		seen = []

		def act(customer):
			# A real write, then a real database error for one of them (a duplicate primary key).
			frappe.db.set_value("CRM Customer", customer, "notes", "reminded")
			if customer == org.c_a2:
				frappe.db.sql(
					"insert into `tabCRM Customer` (name, customer_name) values (%s, 'dup')", org.c_a1
				)
			seen.append(customer)
			return True

		errors = frappe.db.count("Error Log")
		done = each_isolated([org.c_a1, org.c_a2, org.c_b], act, "test: isolated job item")
		self.assertEqual(done, 2)
		self.assertEqual(seen, [org.c_a1, org.c_b])
		self.assertEqual(frappe.db.get_value("CRM Customer", org.c_a2, "notes"), None)  # rolled back whole
		self.assertEqual(frappe.db.get_value("CRM Customer", org.c_b, "notes"), "reminded")
		self.assertEqual(frappe.db.count("Error Log"), errors + 1)
