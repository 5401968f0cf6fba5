"""Reports on the reports' data set (crm_plus/tests/report_data.py) that are not one report's: two reports in
one test, the workspace's cards. Each report's own tests sit beside it."""

from crm_plus.tests.report_data import ReportDataTestCase


class TestReportJourneys(ReportDataTestCase):
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
