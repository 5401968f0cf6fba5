"""The Sales workspace as its readers see it: the number cards go through the list engine, so each
viewer's permission conditions apply (a rep of division B counts none of A's leads or pipeline)."""

import json

import frappe

from crm_plus.crm_sales.report.funnel_test_data import FunnelReportTestCase

CARD = "frappe.desk.doctype.number_card.number_card.get_result"


class TestSalesWorkspace(FunnelReportTestCase):
	def card(self, user, name):
		doc = frappe.get_doc("Number Card", name).as_dict()
		response = self.call(
			self.login(user), CARD, doc=json.dumps(doc, default=str), filters=doc.filters_json
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		return response.json["message"] or 0

	def test_number_cards_per_viewer(self):
		o = self.org
		self.assertEqual(self.card(o.rep_a1, "Open Pipeline Value"), 1000)
		self.assertEqual(self.card(o.mgr_a, "Open Pipeline Value"), 1500)
		self.assertEqual(self.card(o.rep_a1, "Won This Month"), 4000)
		self.assertEqual(self.card(o.rep_a1, "Open Leads"), 1)
		for user in (o.rep_b, o.mgr_b):
			self.assertEqual(self.card(user, "Open Pipeline Value"), 0, user)
			self.assertEqual(self.card(user, "Won This Month"), 0, user)
			self.assertEqual(self.card(user, "Open Leads"), 0, user)

	def test_the_workspace_and_its_funnel_chart(self):
		rep = self.login(self.org.rep_b)
		response = self.get(rep, "/api/resource/Workspace/Sales")
		self.assertEqual(response.status_code, 200, response.text[:300])
		data = response.json["data"]
		self.assertEqual(
			{c["number_card_name"] for c in data["number_cards"]},
			{"Open Leads", "Open Pipeline Value", "Won This Month"},
		)
		self.assertEqual([c["chart_name"] for c in data["charts"]], ["Sales Funnel"])
		chart = frappe.get_doc("Dashboard Chart", "Sales Funnel")
		self.assertEqual(
			(chart.chart_type, chart.report_name, chart.use_report_chart), ("Report", "Sales Funnel", 1)
		)
		# The chart is the report's, run as the viewer: rep_b's funnel reached Prospecting once.
		response = self.call(
			rep,
			"frappe.desk.query_report.run",
			report_name="Sales Funnel",
			filters={},
			ignore_prepared_report=1,
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		values = response.json["message"]["chart"]["data"]["datasets"][0]["values"]
		self.assertEqual(values[0], 1)
