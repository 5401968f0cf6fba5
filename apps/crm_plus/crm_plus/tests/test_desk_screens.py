"""The desk a newcomer meets (issue 22), as each role of the README's tour, over HTTP: every number card,
chart and shortcut of the CRM Plus and Sales workspaces is returned to the role and answers with a
number (or a chart the desk can draw, or an empty state)."""

import json

import frappe

from crm_plus.tests.http import HTTPTestCase
from crm_plus.tests.utils import make_user

# The dashboard charts' sources the desk calls.
SALES_BY_REP = "crm_plus.crm_sales.dashboard_chart_source.crm_sales_by_rep.crm_sales_by_rep.get"
COMPLAINTS_BY_CATEGORY = (
	"crm_plus.crm_complaints.dashboard_chart_source.crm_complaints_by_category.crm_complaints_by_category.get"
)

WORKSPACES = {
	"CRM Plus": {
		"cards": {
			"My Visits Today",
			"Overdue Follow-ups",
			"Open Complaints",
			"Breached Complaints",
			"VIP Customers at Risk",
			"CSAT This Month",
		},
		"charts": {"Sales by Rep", "Complaints by Category", "Satisfaction Trend"},
	},
	"Sales": {"cards": {"Open Leads", "Open Pipeline Value", "Won This Month"}, "charts": set()},
}
SALES_CHARTS = {"Sales Funnel"}


class TestWorkspacesByRole(HTTPTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.supervisor = make_user("desk-supervisor@test.example", ["CRM Service Supervisor"])
		cls.service_manager = make_user("desk-service-manager@test.example", ["CRM Service Manager"])
		frappe.db.commit()

	def tour(self):
		"""The roles the README's tour names: rep, manager, division head, agent/supervisor/manager, executive."""
		o = self.org
		return {
			o.rep_a1: True,
			o.mgr_a: True,
			o.head_a: True,
			o.agent_a: False,
			self.supervisor: False,
			self.service_manager: False,
			o.executive: True,
		}

	def page(self, client, workspace):
		response = self.call(
			client,
			"frappe.desk.desktop.get_desktop_page",
			page=json.dumps({"name": workspace, "title": workspace, "public": 1}),
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		return response.json["message"]

	def test_each_role_gets_every_card_and_chart_of_the_tour(self):
		for user, sells in self.tour().items():
			client = self.login(user)
			for workspace, expected in WORKSPACES.items():
				with self.subTest(user=user, workspace=workspace):
					page = self.page(client, workspace)
					cards = {c["number_card_name"] for c in page["number_cards"]["items"]}
					charts = {c["chart_name"] for c in page["charts"]["items"]}
					self.assertEqual(cards, expected["cards"])
					wanted = expected["charts"] | (SALES_CHARTS if sells and workspace == "Sales" else set())
					self.assertLessEqual(wanted, charts)

	def test_each_card_answers_with_a_number(self):
		for user in self.tour():
			client = self.login(user)
			for workspace in WORKSPACES:
				for item in self.page(client, workspace)["number_cards"]["items"]:
					card = frappe.get_doc("Number Card", item["number_card_name"])
					with self.subTest(user=user, card=card.name):
						if card.type == "Custom":
							response = self.call(client, card.method)
							self.assertEqual(response.status_code, 200, response.text[:300])
							value = response.json["message"]["value"]
						else:
							response = self.call(
								client,
								"frappe.desk.doctype.number_card.number_card.get_result",
								doc=card.as_json(),
								filters=card.filters_json or "[]",
							)
							self.assertEqual(response.status_code, 200, response.text[:300])
							value = response.json["message"]
						self.assertIsInstance(value, int | float)

	def test_each_chart_and_shortcut_answers(self):
		for user in self.tour():
			client = self.login(user)
			for workspace in WORKSPACES:
				page = self.page(client, workspace)
				for item in page["charts"]["items"]:
					chart = frappe.get_doc("Dashboard Chart", item["chart_name"])
					with self.subTest(user=user, chart=chart.name):
						if chart.chart_type == "Report":
							response = self.call(
								client,
								"frappe.desk.query_report.run",
								report_name=chart.report_name,
								filters=chart.filters_json or "{}",
								ignore_prepared_report=1,
							)
							self.assertEqual(response.status_code, 200, response.text[:300])
							drawn = response.json["message"].get("chart")
							if drawn:
								self.assertTrue(drawn["data"]["labels"])
						elif chart.chart_type == "Custom":
							# The app's chart sources: labels people and categories as the user reads them.
							module = frappe.get_value("Dashboard Chart Source", chart.source, "module")
							scrubbed = frappe.scrub(chart.source)
							method = f"crm_plus.{frappe.scrub(module)}.dashboard_chart_source.{scrubbed}.{scrubbed}.get"
							response = self.call(client, method, chart_name=chart.name, filters="[]")
							self.assertEqual(response.status_code, 200, response.text[:300])
							data = response.json["message"]
							if data:
								self.assertEqual(len(data["labels"]), len(data["datasets"][0]["values"]))
								self.assertFalse([label for label in data["labels"] if "@" in str(label)])
						else:
							response = self.call(
								client,
								"frappe.desk.doctype.dashboard_chart.dashboard_chart.get",
								chart_name=chart.name,
								refresh=1,
							)
							self.assertEqual(response.status_code, 200, response.text[:300])
				for shortcut in page["shortcuts"]["items"]:
					with self.subTest(user=user, shortcut=shortcut["label"]):
						if shortcut["type"] == "DocType":
							response = self.call(
								client, "frappe.client.get_count", http="GET", doctype=shortcut["link_to"]
							)
						else:
							response = self.call(
								client,
								"frappe.desk.query_report.run",
								report_name=shortcut["link_to"],
								filters="{}",
								ignore_prepared_report=1,
							)
						self.assertEqual(response.status_code, 200, response.text[:300])


class TestChartsWithoutData(HTTPTestCase):
	make_org = False

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.executive = make_user("desk-executive@test.example", ["CRM Executive"])
		frappe.db.commit()

	def test_an_empty_satisfaction_trend_is_no_chart_not_an_empty_line(self):
		# The workspace's chart reads the report's chart: labels [] draw the path "M" (console error).
		response = self.call(
			self.login(self.executive),
			"frappe.desk.query_report.run",
			report_name="Satisfaction Trend",
			filters=json.dumps({"group_by": "Month", "from_date": "1990-01-01", "to_date": "1990-12-31"}),
			ignore_prepared_report=1,
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		self.assertIsNone(response.json["message"].get("chart"))

	def test_the_funnel_chart_counts_on_a_whole_number_axis(self):
		response = self.call(
			self.login(self.executive),
			"frappe.desk.query_report.run",
			report_name="Sales Funnel",
			filters="{}",
			ignore_prepared_report=1,
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		chart = response.json["message"]["chart"]
		self.assertGreaterEqual(chart["axisOptions"]["yAxisRange"]["max"], 3)
		widget = json.loads(frappe.db.get_value("Dashboard Chart", "Sales Funnel", "custom_options") or "{}")
		self.assertGreaterEqual(widget["axisOptions"]["yAxisRange"]["max"], 3)


class TestPeopleByName(HTTPTestCase):
	"""Reports show a rep's full name, not the e-mail address (the export too)."""

	def test_each_user_column_has_the_persons_name_beside_it(self):
		from crm_plus.tests.utils import make_transaction

		make_transaction(self.org.c_a1, 1200)
		frappe.db.commit()
		name = frappe.db.get_value("User", self.org.rep_a1, "full_name")
		self.assertNotIn("@", name)
		status, rows, chart = self.run_report(self.org.mgr_a, "Sales Rep Performance")
		self.assertEqual(status, 200, rows)
		row = next(r for r in rows if r.get("rep") == self.org.rep_a1)
		self.assertEqual(row["rep_name"], name)
		self.assertIn(name, chart["data"]["labels"])
		self.assertNotIn(self.org.rep_a1, chart["data"]["labels"])
		status, rows, _ = self.run_report(self.org.mgr_a, "Churn Risk")
		self.assertEqual(status, 200, rows)
		for r in rows:
			if r.get("account_manager"):
				self.assertNotIn("@", r["account_manager_name"])

	def test_the_export_carries_the_names(self):
		from crm_plus.tests.utils import make_transaction

		make_transaction(self.org.c_a1, 1200)
		frappe.db.commit()
		name = frappe.db.get_value("User", self.org.rep_a1, "full_name")
		# Exporting this report's DocType is CRM Admin's (and System Manager's) in the DocType's permissions.
		admin = make_user("desk-crm-admin@test.example", ["CRM Admin"])
		frappe.db.commit()
		response = self.call(
			self.login(admin),
			"frappe.desk.query_report.export_query",
			report_name="Sales Rep Performance",
			file_format_type="CSV",
			filters=json.dumps({"from_date": "2000-01-01"}),
			visible_idx=json.dumps([]),
			include_indentation=0,
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		self.assertIn(name, response.get_data(as_text=True))


class TestLinkSuggestionsInChinese(HTTPTestCase):
	"""A customer's grade and status under its name in a link's suggestions, in the user's language."""

	def test_grade_and_status_under_a_customer_are_translated(self):
		user = make_user("desk-zh-executive@test.example", ["CRM Executive"])
		frappe.db.set_value("User", user, "language", "zh")
		frappe.db.set_value("CRM Customer", self.org.c_a1, {"grade": "Small", "status": "Potential"})
		frappe.db.commit()
		frappe.clear_cache(user=user)
		name = frappe.db.get_value("CRM Customer", self.org.c_a1, "customer_name")
		response = self.call(
			self.login(user), "frappe.desk.search.search_link", doctype="CRM Customer", txt=name
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		found = next(r for r in response.json["message"] if r["value"] == self.org.c_a1)
		parts = found["description"].split(", ")
		self.assertIn("小客户", parts)
		self.assertIn("潜在", parts)
		self.assertNotIn("Small", parts)
		self.assertNotIn("Potential", parts)
		# The customer's own name is never translated.
		self.assertEqual(found["label"], name)


class TestWorkspaceChartsByName(HTTPTestCase):
	"""The workspace's group charts label reps by name and categories in the user's language."""

	def test_sales_by_rep_and_complaints_by_category(self):
		from crm_plus.tests.complaints import make_complaint
		from crm_plus.tests.utils import make_transaction

		make_transaction(self.org.c_a1, 10**9, sales_person=self.org.rep_a1)  # among the top ten
		make_complaint(self.org.c_a1, category="Delivery Delay")
		user = make_user("desk-zh-executive@test.example", ["CRM Executive"])
		frappe.db.set_value("User", user, "language", "zh")
		frappe.db.commit()
		frappe.clear_cache(user=user)
		client = self.login(user)
		response = self.call(client, SALES_BY_REP)
		self.assertEqual(response.status_code, 200, response.text[:300])
		labels = response.json["message"]["labels"]
		self.assertIn(frappe.db.get_value("User", self.org.rep_a1, "full_name"), labels)
		self.assertNotIn(self.org.rep_a1, labels)
		response = self.call(client, COMPLAINTS_BY_CATEGORY)
		self.assertEqual(response.status_code, 200, response.text[:300])
		labels = response.json["message"]["labels"]
		self.assertNotIn("Delivery Delay", labels)
		self.assertIn("运送延误", labels)
		chart = frappe.get_doc("Dashboard Chart", "Sales by Rep")
		self.assertEqual((chart.chart_type, chart.source), ("Custom", "CRM Sales by Rep"))

	def test_the_two_chart_sources_count_only_what_the_viewer_may_read(self):
		"""A rep of division B gets neither division A's rep among the sales nor its complaints."""
		from crm_plus.tests.complaints import make_complaint
		from crm_plus.tests.utils import make_transaction

		make_transaction(self.org.c_a1, 10**9, sales_person=self.org.rep_a1)
		make_complaint(self.org.c_a1, category="Inconsistent Answers Between Departments")
		frappe.db.commit()
		client = self.login(self.org.rep_b)
		sales = self.call(client, SALES_BY_REP)
		self.assertEqual(sales.status_code, 200, sales.text[:300])
		labels = (sales.json["message"] or {}).get("labels") or []
		self.assertNotIn(frappe.db.get_value("User", self.org.rep_a1, "full_name"), labels)
		self.assertNotIn(self.org.rep_a1, labels)
		complaints = self.call(client, COMPLAINTS_BY_CATEGORY)
		self.assertEqual(complaints.status_code, 200, complaints.text[:300])
		self.assertNotIn(
			"Inconsistent Answers Between Departments", (complaints.json["message"] or {}).get("labels") or []
		)
