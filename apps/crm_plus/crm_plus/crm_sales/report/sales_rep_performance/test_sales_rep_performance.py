"""Sales Rep Performance over HTTP: its pipeline columns (issue 15) on the funnel's data set, the other
columns on the reports' data set (crm_plus/tests/report_data.py), the rep of a complaint's time after a
transfer in-process."""

from datetime import datetime

import frappe
from frappe.utils import add_days, today

from crm_plus.crm_customers import transfer
from crm_plus.crm_sales.report.funnel_test_data import FunnelReportTestCase
from crm_plus.tests.report_data import ReportDataTestCase
from crm_plus.tests.utils import OrgTestCase, make_customer

REPORT = "Sales Rep Performance"
RANGE = {"from_date": add_days(today(), -30), "to_date": today()}


def run(report, **filters):
	from frappe.core.doctype.report.report import get_report_module_dotted_path

	module = frappe.get_module(
		get_report_module_dotted_path(frappe.db.get_value("Report", report, "module"), report)
	)
	result = module.execute(frappe._dict({**RANGE, **filters}))
	assert len(result) == 4 and result[3]["data"]["labels"] is not None, f"{report} has no chart"
	return result[0], result[1]


class TestPipelineByRep(FunnelReportTestCase):
	def by_rep(self, user, **filters):
		return {r["rep"]: r for r in self.rows(user, REPORT, **filters)}

	def test_pipeline_by_rep_by_hand(self):
		o = self.org
		rows = self.by_rep(o.executive, division=o.div_a)
		a1, a2 = rows[o.rep_a1], rows[o.rep_a2]
		self.assertEqual((a1["new_leads"], a1["converted_leads"]), (2, 1))
		self.assertEqual((a1["open_pipeline"], a1["weighted_pipeline"]), (1000, 600))
		self.assertEqual((a1["won"], a1["lost"], a1["win_rate"]), (1, 1, 50.0))
		self.assertEqual((a2["open_pipeline"], a2["weighted_pipeline"], a2["win_rate"]), (500, 50, None))
		self.assertEqual((a2["new_leads"], a2["won"]), (0, 0))
		self.assertNotIn(o.rep_b, rows)

	def test_a_rep_of_b_sees_none_of_as_pipeline(self):
		o = self.org
		rows = self.by_rep(o.rep_b)
		self.assertEqual(set(rows), {o.rep_b})
		self.assertEqual((rows[o.rep_b]["lost"], rows[o.rep_b]["win_rate"]), (1, 0.0))
		for user in (o.rep_b, o.mgr_b):
			for filters in ({"division": o.div_a}, {"account_manager": o.rep_a1}, {"sales_team": o.team_a1}):
				self.assertFalse({o.rep_a1, o.rep_a2} & set(self.by_rep(user, **filters)), (user, filters))
		rows = self.by_rep(o.mgr_a)
		self.assertEqual(rows[o.rep_a1]["open_pipeline"], 1000)
		self.assertNotIn(o.rep_b, rows)


class TestSalesRepPerformance(ReportDataTestCase):
	def test_sales_rep_performance_by_hand_as_the_executive(self):
		o = self.org
		by_rep = {r["rep"]: r for r in self.rows(o.executive, "Sales Rep Performance", division=o.div_a)}
		a1 = by_rep[o.rep_a1]
		self.assertEqual((a1["sales"], a1["gross_profit"], a1["transactions"]), (4000, 800, 2))
		self.assertEqual((a1["visits_planned"], a1["visits_completed"], a1["completion"]), (2, 1, 50.0))
		self.assertEqual((a1["target"], a1["achievement"]), (5000, 80.0))
		self.assertEqual(a1["complaints"], 2)
		# Each rep's customer was created in the period and became a first purchase with its first sale.
		self.assertEqual((a1["new_customers"], a1["converted"]), (1, 1))
		# Zeros, not blanks, for what a rep had none of in the period.
		self.assertEqual((by_rep[o.rep_a2]["visits_planned"], by_rep[o.rep_a2]["complaints"]), (0, 1))
		self.assertEqual((a1["ranking"], by_rep[o.rep_a2]["ranking"]), (1, 2))
		self.assertNotIn(o.rep_b, by_rep)  # the division filter

	def test_a_rep_sees_only_their_own_row_and_a_manager_their_teams(self):
		o = self.org
		rows = self.rows(o.rep_b, "Sales Rep Performance")
		self.assertEqual({r["rep"] for r in rows}, {o.rep_b})
		self.assertEqual(rows[0]["sales"], 7000)
		rows = {r["rep"]: r for r in self.rows(o.mgr_a, "Sales Rep Performance")}
		self.assertEqual(rows[o.rep_a1]["sales"], 4000)
		self.assertNotIn(o.rep_b, rows)
		# A manager of division A asking for division B gets no row of it.
		rows = self.rows(o.mgr_a, "Sales Rep Performance", division=o.div_b)
		self.assertNotIn(o.rep_b, {r["rep"] for r in rows})

	def test_reports_refuse_an_inverted_period(self):
		status, text = self.run_report(
			self.org.mgr_a, "Sales Rep Performance", from_date=today(), to_date=add_days(today(), -1)
		)
		self.assertEqual(status, 417, text)
		self.assertIn("The start of the period is after its end", text)


class TestRepOfTheTimeAfterATransfer(OrgTestCase):
	def test_complaints_count_for_the_rep_who_had_the_customer(self):
		o = self.org
		customer = make_customer(f"Moving {o.suffix}", account_manager=o.rep_a2, sales_team=o.team_a1).name
		self.addCleanup(frappe.delete_doc, "CRM Customer", customer, force=True, ignore_permissions=True)
		received = add_days(datetime.now(), -40)  # outside the other tests' period
		complaints = []
		for subject in ("Late again", "Wrong invoice"):
			doc = frappe.get_doc(
				{
					"doctype": "CRM Complaint",
					"customer": customer,
					"category": "Billing",
					"subject": subject,
					"description": subject,
					"received_at": received,
				}
			).insert()
			complaints.append(doc)
			self.addCleanup(frappe.delete_doc, "CRM Complaint", doc.name, force=True, ignore_permissions=True)
		self.assertEqual({c.account_manager for c in complaints}, {o.rep_a2})
		complaints[1].status = "Closed"
		complaints[1].resolution = "Credited"
		complaints[1].save()
		transfer.move(o.rep_a2, o.rep_a1, [customer])
		owners = {c.name: frappe.db.get_value("CRM Complaint", c.name, "account_manager") for c in complaints}
		# The open complaint moves with the customer; the closed one stays with the rep of its time.
		self.assertEqual(owners, {complaints[0].name: o.rep_a1, complaints[1].name: o.rep_a2})
		window = {"from_date": add_days(today(), -45), "to_date": add_days(today(), -35)}
		by_rep = {r["rep"]: r for r in run("Sales Rep Performance", **window)[1]}
		self.assertEqual((by_rep[o.rep_a1]["complaints"], by_rep[o.rep_a2]["complaints"]), (1, 1))
