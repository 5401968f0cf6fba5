"""Visit jobs on a real site, run twice in-process as the scheduler runs them (the visit's and the plan's
own tests sit beside their DocTypes: crm_visits/doctype/crm_visit, crm_visit_plan)."""

import frappe
from frappe.utils import add_days, add_to_date, getdate, now_datetime, today

from crm_plus.crm_visits import jobs
from crm_plus.tests.utils import OrgTestCase, make_visit


class TestVisits(OrgTestCase):
	def test_jobs_are_idempotent(self):
		o = self.org
		past = make_visit(o.c_a1, o.rep_a1, start=add_to_date(now_datetime(), hours=-5))
		soon = make_visit(o.c_a1, o.rep_a1, start=add_to_date(now_datetime(), minutes=30))
		self.assertGreaterEqual(jobs.mark_missed_visits(), 1)
		self.assertEqual(frappe.db.get_value("CRM Visit", past.name, "status"), "Missed")
		self.assertEqual(jobs.mark_missed_visits(), 0)
		self.assertEqual(frappe.db.get_value("CRM Visit", soon.name, "status"), "Planned")

		before = frappe.db.count("Notification Log", {"for_user": o.rep_a1})
		self.assertGreaterEqual(jobs.send_visit_reminders(), 1)
		after_first = frappe.db.count("Notification Log", {"for_user": o.rep_a1})
		self.assertGreater(after_first, before)
		self.assertEqual(jobs.send_visit_reminders(), 0)
		self.assertEqual(frappe.db.count("Notification Log", {"for_user": o.rep_a1}), after_first)

		self.assertGreaterEqual(jobs.send_daily_digests(), 1)
		self.assertEqual(jobs.send_daily_digests(), 0)
		self.assertEqual(frappe.db.count("Notification Log", {"for_user": o.rep_a1}), after_first + 1)

	def test_overdue_followups_and_coverage(self):
		o = self.org
		frappe.db.set_value("CRM Customer", o.c_b, "creation", add_days(now_datetime(), -45))
		overdue = {row["customer"]: row for row in jobs.followups_overdue()}
		self.assertIn(o.c_b, overdue)
		self.assertEqual(overdue[o.c_b]["rep"], o.rep_b)
		self.assertNotIn(o.c_a1, overdue)  # created today
		frappe.db.set_value("CRM Customer", o.c_a1, "grade", "VIP")
		rows = {
			row["customer"]: row
			for row in jobs.coverage_report(getdate(today()).replace(month=12, day=31))["rows"]
		}
		self.assertEqual(rows[o.c_a1]["target"], 12)
		self.assertTrue(rows[o.c_a1]["behind"])
