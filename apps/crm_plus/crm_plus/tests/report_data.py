"""The small known data set the reports' tests read over HTTP (committed, removed with the organisation):

Sales: rep_a1 1000 + 3000 (profit 200 + 600), rep_a2 500 (100), rep_b 7000 (1400); rep_a1's target 5000;
two visits of rep_a1 in the period, one completed; complaints: two delivery delays and one billing on
division A (handled by agent_a), one damage on division B. Each report's tests sit beside it
(`<module>/report/<report>/test_<report>.py`)."""

from datetime import datetime

import frappe
from frappe.utils import add_days, today

from crm_plus.tests.http import HTTPTestCase
from crm_plus.tests.utils import make_transaction


class ReportDataTestCase(HTTPTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		o = cls.org
		# Sales: rep_a1 1000 + 3000 (profit 200 + 600); rep_a2 500 (profit 100); rep_b 7000 (profit 1400).
		make_transaction(o.c_a1, 1000, posting_date=add_days(today(), -3), sales_person=o.rep_a1)
		make_transaction(o.c_a1, 3000, posting_date=add_days(today(), -2), sales_person=o.rep_a1)
		make_transaction(o.c_a2, 500, posting_date=add_days(today(), -1), sales_person=o.rep_a2)
		make_transaction(o.c_b, 7000, posting_date=add_days(today(), -1), sales_person=o.rep_b)
		target = frappe.get_doc(
			{
				"doctype": "CRM Sales Target",
				"sales_rep": o.rep_a1,
				"from_date": add_days(today(), -20),
				"to_date": add_days(today(), -1),
				"target_amount": 5000,
			}
		).insert()
		cls.created("CRM Sales Target", target.name)
		# Visits of rep_a1: two planned in the period, one completed.
		for status in ("Completed", "Planned"):
			frappe.get_doc(
				{
					"doctype": "CRM Visit",
					"customer": o.c_a1,
					"sales_rep": o.rep_a1,
					"planned_start": add_days(datetime.now(), -5),
					"status": status,
				}
			).insert()
		# Complaints: two delivery delays and one billing on division A, one damage on division B.
		for customer, category in (
			(o.c_a1, "Delivery Delay"),
			(o.c_a2, "Delivery Delay"),
			(o.c_a1, "Billing"),
			(o.c_b, "Damage"),
		):
			frappe.get_doc(
				{
					"doctype": "CRM Complaint",
					"customer": customer,
					"category": category,
					"subject": category,
					"description": category,
					"received_at": add_days(datetime.now(), -4),
					"handler": o.agent_a,
				}
			).insert()
		frappe.db.commit()

	def run_report(self, user, report, **filters):
		"""(status code, rows) of the report as `user`; every report answered has a chart."""
		status, rows, chart = super().run_report(user, report, **filters)
		if status == 200:
			self.assertIsNotNone((chart or {}).get("data"), f"{report} has no chart")
		return status, rows

	def rows(self, user, report, **filters):
		status, rows = self.run_report(user, report, **filters)
		self.assertEqual(status, 200, rows)
		return rows
