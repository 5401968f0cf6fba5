# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt
"""Attacks on the sales funnel's read surfaces (number cards, charts, list endpoints) by a rep of
division B: a sub-query inside an aggregate column read division A's records past every permission."""

import json

from crm_plus.tests.http import HTTPTestCase, refused


class TestFieldSubqueries(HTTPTestCase):
	def subquery(self) -> str:
		"""A number about division A's customer that division B's rep may not read (its name's length)."""
		return f"(select length(customer_name) from `tabCRM Customer` where name = '{self.org.c_a1}')"

	def assertNotAnswered(self, response):
		self.assertTrue(refused(response), response.text[:300])

	def test_list_endpoints_refuse_a_subquery_in_a_field(self):
		client = self.login(self.org.rep_b)
		field = f"sum({self.subquery()}) as leaked"
		self.assertNotAnswered(
			self.call(client, "frappe.client.get_list", doctype="CRM Customer", fields=[field])
		)
		self.assertNotAnswered(self.resource(client, "CRM Customer", fields=json.dumps([field])))
		self.assertNotAnswered(
			self.call(client, "frappe.desk.reportview.get", doctype="CRM Customer", fields=[field])
		)
		self.assertNotAnswered(
			self.call(client, "frappe.client.get_value", doctype="CRM Customer", filters={}, fieldname=field)
		)

	def test_number_cards_and_charts_refuse_a_subquery_in_their_columns(self):
		client = self.login(self.org.rep_b)
		card = {"name": "x", "document_type": "CRM Customer", "function": "Sum"}
		self.assertNotAnswered(
			self.call(
				client,
				"frappe.desk.doctype.number_card.number_card.get_result",
				doc={**card, "aggregate_function_based_on": self.subquery()},
				filters=[],
			)
		)
		chart = {
			"name": "x",
			"chart_type": "Sum",
			"document_type": "CRM Customer",
			"based_on": "creation",
			"value_based_on": self.subquery(),
			"timespan": "Last Year",
			"time_interval": "Monthly",
			"type": "Line",
			"filters_json": "[]",
		}
		self.assertNotAnswered(
			self.call(
				client, "frappe.desk.doctype.dashboard_chart.dashboard_chart.get", chart=chart, no_cache=1
			)
		)
		# The workspace's own card still counts (a plain column).
		response = self.call(
			client,
			"frappe.desk.doctype.number_card.number_card.get_result",
			doc={**card, "aggregate_function_based_on": "annual_revenue"},
			filters=[],
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
