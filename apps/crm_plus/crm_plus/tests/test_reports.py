"""Reports on a small known data set, against figures computed by hand, read over HTTP by the people who
read them (an executive, a division head, a manager, reps of other teams); the rep-of-the-time rule
after a transfer in-process."""

from datetime import datetime

import frappe
from frappe.utils import add_days, today

from crm_plus.crm_customers import transfer
from crm_plus.tests.http import HTTPTestCase
from crm_plus.tests.utils import CRMTestCase, Org, make_customer, make_transaction

RANGE = {"from_date": add_days(today(), -30), "to_date": today()}


def run(report, **filters):
	from frappe.core.doctype.report.report import get_report_module_dotted_path

	module = frappe.get_module(
		get_report_module_dotted_path(frappe.db.get_value("Report", report, "module"), report)
	)
	result = module.execute(frappe._dict({**RANGE, **filters}))
	assert len(result) == 4 and result[3]["data"]["labels"] is not None, f"{report} has no chart"
	return result[0], result[1]


class TestReports(CRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.org = Org()

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


class TestReportJourneys(HTTPTestCase):
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

	def test_complaint_pareto_by_hand_and_per_viewer(self):
		o = self.org
		rows = self.rows(o.head_a, "Complaint Cause Analysis")
		self.assertEqual(
			[(r["cause"], r["count"], r["cumulative"]) for r in rows],
			[("Delivery Delay", 2, 66.7), ("Billing", 1, 100.0)],
		)
		rows = self.rows(o.mgr_b, "Complaint Cause Analysis")
		self.assertEqual(
			[(r["cause"], r["count"]) for r in rows if r["cause"] in ("Delivery Delay", "Billing", "Damage")],
			[("Damage", 1)],
		)
		# Reps do not read the complaint analysis at all.
		status, _rows = self.run_report(o.rep_b, "Complaint Cause Analysis")
		self.assertEqual(status, 403)

	def test_service_performance_as_the_agent(self):
		o = self.org
		rows = self.rows(o.agent_a, "Service Performance")
		agent = next(r for r in rows if r.get("handler") == o.agent_a)
		self.assertEqual(
			(agent["handled"], agent["resolved"], agent["sla_met"], agent["reopen_rate"]), (3, 0, None, 0.0)
		)

	def test_customer_distribution_and_churn(self):
		o = self.org
		rows = self.rows(o.head_a, "Customer Distribution", group_by="Status")
		self.assertEqual(sum(r["customers"] for r in rows), 2)
		rows = self.rows(o.rep_a1, "Customer Distribution", group_by="Age Band")
		self.assertEqual(sum(r["customers"] for r in rows), 1)
		churn = {r["customer"]: r for r in self.rows(o.mgr_a, "Churn Risk")}
		self.assertIn(o.c_a1, churn)  # open complaints
		self.assertIn("Open complaints", churn[o.c_a1]["reasons"])
		self.assertNotIn(o.c_a1, {r["customer"] for r in self.rows(o.rep_b, "Churn Risk")})

	def test_grade_migration_matrix(self):
		o = self.org
		rows = self.rows(o.head_a, "Grade Migration", from_date=add_days(today(), -60))
		self.assertEqual(sum(r["total"] for r in rows), 2)  # both division A customers, graded this run
		not_graded = next(r for r in rows if r["from_grade"] == "Not Graded")
		self.assertEqual(not_graded["total"], 2)

	def test_reports_refuse_an_inverted_period(self):
		status, text = self.run_report(
			self.org.mgr_a, "Sales Rep Performance", from_date=today(), to_date=add_days(today(), -1)
		)
		self.assertEqual(status, 417, text)
		self.assertIn("The start of the period is after its end", text)

	def test_workspace_cards(self):
		rep = self.login(self.org.rep_a1)
		response = self.call(rep, "crm_plus.crm_setup.number_cards.overdue_followups")
		self.assertEqual(response.status_code, 200, response.text[:300])
		self.assertEqual(response.json["message"]["fieldtype"], "Int")
		response = self.call(rep, "crm_plus.crm_setup.number_cards.csat_this_month")
		self.assertEqual(response.status_code, 200, response.text[:300])
		self.assertGreaterEqual(response.json["message"]["value"], 0)
		response = self.get(rep, "/api/resource/Workspace/CRM Plus")
		self.assertEqual(response.status_code, 200, response.text[:300])
		self.assertEqual(len(response.json["data"]["number_cards"]), 6)
