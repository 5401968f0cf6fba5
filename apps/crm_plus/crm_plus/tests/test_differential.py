"""A differential check of isolation: everything the users of division B can see through every
surface is captured over HTTP, a rep of division A then creates records of every kind, and the
capture is taken again. Division B's captures must be identical; the creator's must change.

Surfaces: lists and counts of every app DocType, the list sidebar, link search, CSV export, every
script report, the workspace's number cards and dashboard charts, files, comments, versions, tags,
and the child tables read on their own."""

import base64
import json

import frappe
from frappe.utils import add_to_date, now_datetime, today

from crm_plus.security.conditions import CHILD_TABLES
from crm_plus.tests.http import HTTPTestCase

FRAMEWORK = ["File", "Comment", "Version", "Tag Link", "Communication", "ToDo"]


def app_doctypes() -> list[str]:
	return frappe.get_all(
		"DocType",
		{
			"module": ("in", ["CRM Customers", "CRM Setup", "CRM Visits", "CRM Surveys", "CRM Complaints"]),
			"istable": 0,
			"issingle": 0,
		},
		pluck="name",
		order_by="name",
	)


class TestDifferential(HTTPTestCase):
	def capture(self, user: str) -> dict:
		client = self.login(user)
		seen = {}

		def keep(key, response):
			body = response.get_data(as_text=True)
			try:
				body = json.loads(body)
				body.pop("_server_messages", None)
				body.pop("exc", None)
				body.pop("exception", None)
				if isinstance(body.get("message"), dict):
					body["message"].pop("execution_time", None)  # how long the report took
			except ValueError:
				pass
			seen[key] = (response.status_code, json.dumps(body, sort_keys=True, default=str))

		for doctype in [*app_doctypes(), *FRAMEWORK]:
			keep(
				f"list {doctype}",
				self.call(
					client,
					"frappe.client.get_list",
					doctype=doctype,
					fields=["name"],
					limit_page_length=0,
					order_by="name asc",
				),
			)
			keep(f"count {doctype}", self.call(client, "frappe.client.get_count", doctype=doctype))
		for child, parent in CHILD_TABLES.items():
			keep(
				f"child {child}",
				self.call(
					client,
					"frappe.client.get_list",
					doctype=child,
					parent=parent,
					fields=["name", "parent"],
					limit_page_length=0,
					order_by="name asc",
				),
			)
		for field in ("assigned_to", "owner", "account_manager", "grade", "status"):
			keep(
				f"sidebar {field}",
				self.call(
					client,
					"frappe.desk.listview.get_group_by_count",
					doctype="CRM Customer",
					current_filters=[],
					field=field,
				),
			)
		keep(
			"search",
			self.call(
				client, "frappe.desk.search.search_link", doctype="CRM Customer", txt="", page_length=100
			),
		)
		keep(
			"export",
			self.call(
				client,
				"frappe.desk.reportview.export_query",
				doctype="CRM Customer",
				file_format_type="CSV",
				fields=["`tabCRM Customer`.`name`"],
				order_by="`tabCRM Customer`.`name` asc",
			),
		)
		for report in frappe.get_all("Report", {"module": ("like", "CRM%")}, pluck="name", order_by="name"):
			keep(f"report {report}", self.call(client, "frappe.desk.query_report.run", report_name=report))
		for card in frappe.get_all(
			"Number Card", {"module": ("like", "CRM%")}, pluck="name", order_by="name"
		):
			doc = frappe.get_doc("Number Card", card)
			if doc.type == "Custom":
				keep(f"card {card}", self.call(client, doc.method))
			else:
				keep(
					f"card {card}",
					self.call(
						client,
						"frappe.desk.doctype.number_card.number_card.get_result",
						doc=frappe.as_json(doc.as_dict()),
						filters=doc.filters_json,
					),
				)
		for chart in frappe.get_all(
			"Dashboard Chart", {"module": ("like", "CRM%")}, pluck="name", order_by="name"
		):
			keep(
				f"chart {chart}",
				self.call(
					client, "frappe.desk.doctype.dashboard_chart.dashboard_chart.get", chart_name=chart
				),
			)
		return seen

	def create_everything_as(self, user: str) -> None:
		"""A rep creates records of every kind, over HTTP, as a user would."""
		o = self.org
		client = self.login(user)

		def insert(doctype, values):
			response = self.post(client, f"/api/resource/{doctype}", {"data": json.dumps(values)})
			self.assertEqual(response.status_code, 200, f"{doctype}: {response.text[:400]}")
			return response.json["data"]["name"]

		customer = insert(
			"CRM Customer",
			{
				"customer_name": f"Differential {o.suffix}",
				"customer_kind": "Enterprise",
				"account_manager": user,
				"sales_team": o.team_a1,
				"key_people": [{"person_name": "Zhao", "phone": "13700000000"}],
			},
		)
		self.org.extra_customers = [customer]
		insert("CRM Customer Transaction", {"customer": customer, "amount": 1200, "posting_date": today()})
		start = add_to_date(now_datetime(), hours=3)
		insert(
			"CRM Visit",
			{
				"customer": customer,
				"sales_rep": user,
				"planned_start": str(start),
				"planned_end": str(add_to_date(start, hours=1)),
			},
		)
		insert("CRM Complaint", {"customer": customer, "subject": "Broken", "description": "Broken box"})
		insert("CRM Customer Event", {"customer": customer, "title": "Opened a shop", "event_date": today()})
		response = self.add_comment(client, "CRM Customer", customer, "Met the buyer", user, user)
		self.assertEqual(response.status_code, 200, response.text[:300])
		response = self.add_tag(client, "hot-lead", "CRM Customer", customer)
		self.assertEqual(response.status_code, 200, response.text[:300])
		response = self.call(
			client,
			"frappe.client.attach_file",
			doctype="CRM Customer",
			docname=customer,
			is_private=1,
			filename="terms.txt",
			filedata=base64.b64encode(b"payment in 30 days").decode(),
			decode_base64=1,
		)
		self.assertIn(response.status_code, (200,), response.text[:300])

	def test_another_divisions_records_change_nothing_anyone_here_can_see(self):
		o = self.org
		watchers = [o.rep_b, o.mgr_b, o.head_b]
		before = {user: self.capture(user) for user in watchers}
		creator_before = self.capture(o.rep_a1)
		self.assertGreater(len(creator_before), 60)

		self.create_everything_as(o.rep_a1)

		for user in watchers:
			after = self.capture(user)
			changed = sorted(k for k in after if after[k] != before[user].get(k))
			details = {k: (before[user].get(k), after[k]) for k in changed}
			self.assertEqual(changed, [], f"{user} sees a change: {details}")
		creator_after = self.capture(o.rep_a1)
		changed = {k for k in creator_after if creator_after[k] != creator_before.get(k)}
		for surface in (
			"list CRM Customer",
			"count CRM Complaint",
			"list File",
			"child CRM Customer Key Person",
			"search",
		):
			self.assertIn(surface, changed)
