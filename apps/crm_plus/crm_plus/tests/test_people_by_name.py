"""People by name (issue 22), as the actor over HTTP: the reports show a person's name and keep the user id
hidden (not shown, not exported); a Link field to a User shows the person's name on forms and lists
(User's `show_title_field_in_link`, set by the app), without telling anyone the name of who owns a
record they may not read; the managers and division heads who may run the sales reports may export
them, each export holding only the rows its user may read."""

import json

import frappe

from crm_plus.tests.complaints import make_complaint
from crm_plus.tests.http import HTTPTestCase, refused
from crm_plus.tests.utils import make_transaction


def full_name(user: str) -> str:
	return frappe.db.get_value("User", user, "full_name")


class TestReportsShowNames(HTTPTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_transaction(cls.org.c_a1, 1200, sales_person=cls.org.rep_a1)
		make_transaction(cls.org.c_b, 900, sales_person=cls.org.rep_b)
		make_complaint(cls.org.c_a1, handler=cls.org.agent_a)
		frappe.db.commit()

	def columns(self, user, report, **filters):
		response = self.call(
			self.login(user),
			"frappe.desk.query_report.run",
			report_name=report,
			filters={"from_date": "2000-01-01", **filters},
			ignore_prepared_report=1,
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		message = response.json["message"]
		return message["columns"], [r for r in message["result"] if isinstance(r, dict)]

	def test_a_user_column_is_the_persons_name_and_the_user_id_is_hidden(self):
		cases = [
			(self.org.mgr_a, "Sales Rep Performance", "rep", self.org.rep_a1),
			(self.org.executive, "Service Performance", "handler", self.org.agent_a),
			(self.org.executive, "Inactive Staff", "user", self.org.rep_a1),
		]
		# Inactive Staff lists who has not been seen for the given days: the rep was seen long ago.
		frappe.db.set_value(
			"User",
			self.org.rep_a1,
			{"last_active": "2000-01-01 00:00:00", "last_login": "2000-01-01 00:00:00"},
			update_modified=False,
		)
		frappe.db.commit()
		for viewer, report, field, person in cases:
			with self.subTest(report=report):
				columns, rows = self.columns(viewer, report, days=1)
				shown = [c for c in columns if not c.get("hidden")]
				self.assertFalse(
					[c for c in shown if c.get("fieldtype") == "Link" and c.get("options") == "User"],
					"a visible column shows user ids",
				)
				user_id = next(c for c in columns if c["fieldname"] == field)
				self.assertTrue(user_id.get("hidden"))
				row = next(r for r in rows if r.get(field) == person)
				self.assertEqual(row[f"{field}_name"], full_name(person))
				for r in rows:
					for c in shown:
						self.assertNotIn("@", str(r.get(c["fieldname"]) or ""), (report, c["fieldname"]))

	def export(self, user, report="Sales Rep Performance"):
		return self.call(
			self.login(user),
			"frappe.desk.query_report.export_query",
			report_name=report,
			file_format_type="CSV",
			filters=json.dumps({"from_date": "2000-01-01"}),
			visible_idx=json.dumps([]),
			include_indentation=0,
		)

	def test_managers_and_division_heads_export_the_sales_reports_with_names_of_their_rows_only(self):
		for user in (self.org.mgr_a, self.org.head_a):
			with self.subTest(user=user):
				response = self.export(user)
				self.assertEqual(response.status_code, 200, response.text[:300])
				text = response.get_data(as_text=True)
				self.assertIn(full_name(self.org.rep_a1), text)
				self.assertNotIn(self.org.rep_a1, text)  # the name, not the user id
				self.assertNotIn(full_name(self.org.rep_b), text)
		# The manager of the other division exports their own division's rows only.
		response = self.export(self.org.mgr_b)
		self.assertEqual(response.status_code, 200, response.text[:300])
		text = response.get_data(as_text=True)
		self.assertIn(full_name(self.org.rep_b), text)
		self.assertNotIn(full_name(self.org.rep_a1), text)
		for report in ("Sales Funnel", "Lost Reason Analysis", "Inactive Staff"):
			with self.subTest(report=report):
				response = self.export(self.org.mgr_a, report)
				self.assertEqual(response.status_code, 200, response.text[:300])

	def test_a_rep_may_run_but_not_export_the_sales_reports(self):
		# Reps run Sales Rep Performance (their own rows) but export nothing: export is the managers'.
		status, rows, _ = self.run_report(self.org.rep_b, "Sales Rep Performance", from_date="2000-01-01")
		self.assertEqual(status, 200, rows)
		self.assertEqual({r.get("rep") for r in rows if r.get("rep")}, {self.org.rep_b})
		response = self.export(self.org.rep_b)
		self.assertTrue(refused(response), response.status_code)
		self.assertNotIn(full_name(self.org.rep_a1), response.get_data(as_text=True))


class TestUserLinksShowNames(HTTPTestCase):
	"""A Link field to a User shows the person's name (the desk's link titles), and only on what the viewer
	may read."""

	def test_user_is_a_link_title_doctype(self):
		from frappe.boot import get_link_title_doctypes

		frappe.clear_cache(doctype="User")
		self.assertTrue(frappe.get_meta("User").show_title_field_in_link)
		self.assertEqual(frappe.get_meta("User").title_field, "full_name")
		self.assertIn("User", get_link_title_doctypes())

	def test_the_form_sends_the_owners_name_to_who_may_read_the_record(self):
		response = self.call(
			self.login(self.org.mgr_a),
			"frappe.desk.form.load.getdoc",
			http="GET",
			doctype="CRM Customer",
			name=self.org.c_a1,
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		self.assertEqual(
			response.json["_link_titles"].get(f"User::{self.org.rep_a1}"), full_name(self.org.rep_a1)
		)

	def test_a_rep_of_another_division_learns_no_owner_through_titles(self):
		client = self.login(self.org.rep_b)
		name_a = full_name(self.org.rep_a1)
		# The form of division A's customer: refused, and no title in the answer.
		response = self.call(
			client, "frappe.desk.form.load.getdoc", http="GET", doctype="CRM Customer", name=self.org.c_a1
		)
		self.assertTrue(refused(response), response.status_code)
		self.assertNotIn(name_a, response.get_data(as_text=True))
		# The list as the desk asks for it with the owner's name joined: only the rep's own rows.
		response = self.call(
			client,
			"frappe.desk.reportview.get",
			doctype="CRM Customer",
			fields=json.dumps(
				[
					"`tabCRM Customer`.`name`",
					"`tabCRM Customer`.`account_manager`",
					"account_manager.full_name as account_manager_full_name",
				]
			),
			filters="[]",
			page_length=500,
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		text = response.get_data(as_text=True)
		self.assertIn(full_name(self.org.rep_b), text)
		self.assertNotIn(name_a, text)
		self.assertNotIn(self.org.c_a1, text)
		# Filtering the list by the other division's owner's name finds nothing either.
		response = self.call(
			client,
			"frappe.desk.reportview.get",
			doctype="CRM Customer",
			fields=json.dumps(["`tabCRM Customer`.`name`", "account_manager.full_name as owner_name"]),
			filters=json.dumps([["User", "full_name", "=", name_a]]),
		)
		self.assertNotIn(self.org.c_a1, response.get_data(as_text=True))
		# The sales report of the other division's rep: nothing of division A.
		status, rows, chart = self.run_report(self.org.rep_b, "Sales Rep Performance", from_date="2000-01-01")
		self.assertEqual(status, 200, rows)
		self.assertNotIn(name_a, json.dumps([rows, chart], default=str, ensure_ascii=False))


class TestKnowledgeBaseAndAdminInTheWorkspace(HTTPTestCase):
	"""The knowledge base is where service staff look for it (a shortcut and the Service card of the CRM
	Plus workspace), and the CRM Admin's tour of the README (settings, grades, SLA policies, survey
	templates, divisions, the sales team tree) is on the workspace's Setup card."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		from crm_plus.tests.utils import make_user

		cls.supervisor = make_user("kb-supervisor@test.example", ["CRM Service Supervisor"])
		cls.crm_admin = make_user("kb-crm-admin@test.example", ["CRM Admin"])
		frappe.db.commit()

	def page(self, user):
		response = self.call(
			self.login(user),
			"frappe.desk.desktop.get_desktop_page",
			page=json.dumps({"name": "CRM Plus", "title": "CRM Plus", "public": 1}),
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		return response.json["message"]

	@staticmethod
	def card_links(page):
		return {card["label"]: {link["link_to"] for link in card["links"]} for card in page["cards"]["items"]}

	def test_service_staff_find_the_solutions(self):
		for user in (self.org.agent_a, self.supervisor):
			with self.subTest(user=user):
				page = self.page(user)
				self.assertIn("CRM Solution", {s["link_to"] for s in page["shortcuts"]["items"]})
				self.assertIn("CRM Solution", self.card_links(page)["Service"])
				response = self.call(
					self.login(user), "frappe.client.get_count", http="GET", doctype="CRM Solution"
				)
				self.assertEqual(response.status_code, 200, response.text[:300])
				self.assertIsInstance(response.json["message"], int)

	def test_the_crm_admins_tour_is_on_the_setup_card(self):
		links = self.card_links(self.page(self.crm_admin))["Setup"]
		for doctype in ("CRM Plus Settings", "CRM Customer Grade", "CRM Division", "CRM Sales Team"):
			self.assertIn(doctype, links)
		service = self.card_links(self.page(self.crm_admin))["Service"]
		self.assertLessEqual({"CRM SLA Policy", "CRM Survey Template", "CRM Solution"}, service)
