"""An adversarial sweep: every whitelisted method a CRM role reaches that takes filters, fields,
order_by, group_by or a search text, sent a table of hostile values over HTTP by a sales rep of
division B. Each answer is a refusal or a result without any trace of division A's marker records
(their names, codes, a key person's phone)."""

import json

import frappe

from crm_plus.tests.http import HTTPTestCase
from crm_plus.tests.names import CUSTOMER
from crm_plus.tests.utils import add_complaint, add_key_person, make_transaction

REPORTS = [
	"Sales Rep Performance",
	"Service Performance",
	"Customer Distribution",
	"Grade Migration",
	"Churn Risk",
	"Complaint Cause Analysis",
	"Satisfaction Trend",
]

HOSTILE_FILTERS = [
	["1=1 or 1=1"],
	"1=1",
	["(select count(*) from `tabUser`)>0 or 1=1"],
	[["name", "like", "%"]],
	[["customer_name", "like", "%' or '1'='1"]],
	[["customer_name", "like", "%%s%%"]],
	[["name", "=", "x' or 1=1 -- "]],
	[["CRM Customer Key Person", "phone", "like", "%"]],
	[["name", "in", ["x"] * 2000]],
	[["nonexistent_field", "=", "x"]],
	[["name", "= 'x' or 1=1 --", "x"]],
	{"name": ["like", "%"]},
	{"name or 1=1": "x"},
	[["name", "=", "x" * 5000]],
]
HOSTILE_FIELDS = [
	["*"],
	["name", "(select group_concat(name) from `tabCRM Customer`) as leak"],
	["`tabCRM Customer Key Person`.phone"],
	["name", "customer_name as x, (select 1)"],
	["count(*) as c"],
	["unknown_field"],
	["id_number"],
]
HOSTILE_ORDER = [
	"(select name from `tabCRM Customer` limit 1)",
	"name desc, (select 1)",
	"if(1=1, name, customer_name)",
	"name; select 1",
]
HOSTILE_GROUP = ["name having 1=1 or 1=1", "(select 1)", "customer_name"]
HOSTILE_TEXT = ["%", "' or 1=1 -- ", "%' or '1'='1", "A1 Customer"]


class TestAdversarialSweep(HTTPTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		o = cls.org
		add_key_person(o.c_a1, "Marker Person", "13911112222")
		make_transaction(o.c_a1, 777)
		add_complaint(o.c_a1, "Marker", "Marker")
		frappe.db.commit()
		cls.markers = [o.c_a1, o.c_a2, f"A1 Customer {o.suffix}", f"A2 Customer {o.suffix}", "13911112222"]

	def assert_no_leak(self, response, what):
		text = response.get_data(as_text=True)
		for marker in self.markers:
			self.assertNotIn(marker, text, f"{what}: {response.status_code} {text[:300]}")
		self.assertIn(response.status_code, (200, 403, 404, 409, 417, 400), f"{what}: {text[:300]}")
		self.checked += 1

	def setUp(self):
		super().setUp()
		self.rep = self.login(self.org.rep_b)
		self.checked = 0

	def test_list_and_count_endpoints(self):
		for doctype in (CUSTOMER, "CRM Customer Transaction", "CRM Complaint", "CRM Visit"):
			for filters in HOSTILE_FILTERS:
				for endpoint, args in (
					("frappe.client.get_list", {"fields": ["name"], "limit_page_length": 0}),
					("frappe.client.get_count", {}),
					("frappe.client.get_value", {"fieldname": "name"}),
					("frappe.desk.reportview.get", {"fields": ["name"]}),
					("frappe.desk.reportview.get_count", {}),
				):
					response = self.call(self.rep, endpoint, doctype=doctype, filters=filters, **args)
					self.assert_no_leak(response, f"{endpoint} {doctype} {filters!s:.80}")
				response = self.call(
					self.rep, "frappe.client.get_list", doctype=doctype, or_filters=filters, fields=["name"]
				)
				self.assert_no_leak(response, f"or_filters {doctype} {filters!s:.80}")
		self.assertGreater(self.checked, 300)

	def test_fields_order_and_group_by(self):
		for endpoint in ("frappe.client.get_list", "frappe.desk.reportview.get"):
			for fields in HOSTILE_FIELDS:
				response = self.call(self.rep, endpoint, doctype=CUSTOMER, fields=fields, limit_page_length=0)
				self.assert_no_leak(response, f"{endpoint} fields {fields}")
			for order_by in HOSTILE_ORDER:
				response = self.call(self.rep, endpoint, doctype=CUSTOMER, fields=["name"], order_by=order_by)
				self.assert_no_leak(response, f"{endpoint} order_by {order_by}")
			for group_by in HOSTILE_GROUP:
				response = self.call(
					self.rep, endpoint, doctype=CUSTOMER, fields=["name", "count(*) as c"], group_by=group_by
				)
				self.assert_no_leak(response, f"{endpoint} group_by {group_by}")

	def test_sidebar_counts(self):
		for field in ("assigned_to", "owner", "account_manager", "customer_name", "id_number", "name"):
			for filters in [[], *HOSTILE_FILTERS[:8]]:
				response = self.call(
					self.rep,
					"frappe.desk.listview.get_group_by_count",
					doctype=CUSTOMER,
					current_filters=filters,
					field=field,
				)
				self.assert_no_leak(response, f"group_by_count {field} {filters!s:.60}")

	def test_link_search_and_search_widget(self):
		for txt in HOSTILE_TEXT:
			for filters in (None, *HOSTILE_FILTERS[:6]):
				response = self.call(
					self.rep, "frappe.desk.search.search_link", doctype=CUSTOMER, txt=txt, filters=filters
				)
				self.assert_no_leak(response, f"search_link {txt} {filters!s:.60}")
			response = self.call(
				self.rep,
				"frappe.desk.search.search_widget",
				doctype=CUSTOMER,
				txt=txt,
				searchfield="customer_name",
			)
			self.assert_no_leak(response, f"search_widget {txt}")

	def test_export(self):
		for filters in HOSTILE_FILTERS[:8]:
			response = self.call(
				self.rep,
				"frappe.desk.reportview.export_query",
				doctype=CUSTOMER,
				file_format_type="CSV",
				fields=["`tabCRM Customer`.`name`", "`tabCRM Customer`.`customer_name`"],
				filters=filters,
			)
			self.assert_no_leak(response, f"export {filters!s:.60}")

	def test_reports_number_cards_and_charts(self):
		for report in REPORTS:
			for filters in (
				{},
				{"company": "' or 1=1 -- "},
				{"sales_person": self.org.rep_a1},
				{"division": self.org.div_a},
			):
				response = self.call(
					self.rep, "frappe.desk.query_report.run", report_name=report, filters=filters
				)
				self.assert_no_leak(response, f"report {report} {filters}")
		for filters in HOSTILE_FILTERS[:8]:
			card = {
				"document_type": CUSTOMER,
				"function": "Count",
				"filters_json": json.dumps(filters),
				"aggregate_function_based_on": "",
			}
			response = self.call(
				self.rep, "frappe.desk.doctype.number_card.number_card.get_result", doc=card, filters=filters
			)
			self.assert_no_leak(response, f"number card {filters!s:.60}")
			if response.status_code == 200:
				self.assertLessEqual(response.json["message"] or 0, 1, filters)  # rep_b has one customer
