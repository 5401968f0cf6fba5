"""Text the app composes into HTML is escaped where it is composed (issue 21): a transfer's reason and
the customer events it writes, the bell's subjects, link-field suggestions, a solution put into the
email composer, and a message's text as the composer quotes it for Reply. The payloads are stored the
way the attacks stored them (raw, past the sanitizer), so the test shows the composition is safe for any
stored value; each test failed before the fix."""

import json
from datetime import datetime
from html.parser import HTMLParser

import frappe
from frappe.utils import random_string, today

from crm_plus.crm_complaints import service_level
from crm_plus.tests.complaints import answered, make_complaint, service_org
from crm_plus.tests.http import HTTPTestCase
from crm_plus.tests.names import IMG
from crm_plus.tests.utils import CRMTestCase, division_supervisor

ENCODED = "&lt;svg onload=alert(2)&gt;"
JSON_QUOTED = '"<img src=x onerror=alert(3)>"'


class _Tags(HTMLParser):
	def __init__(self):
		super().__init__(convert_charrefs=True)
		self.tags, self.text = [], []

	def handle_starttag(self, tag, attrs):
		self.tags.append((tag, attrs))

	def handle_data(self, data):
		self.text.append(data)


def parse(html: str | None) -> _Tags:
	parser = _Tags()
	parser.feed(html or "")
	parser.close()
	return parser


def tags(html: str | None) -> list[str]:
	"""The elements a browser makes of the HTML."""
	return [tag for tag, _attrs in parse(html).tags]


def quoted(html: str | None) -> str:
	"""What Frappe's composer does to a message for Reply: its text, entities decoded (then used as HTML)."""
	return "".join(parse(html).text)


class TestComposedText(HTTPTestCase):
	def test_a_transfers_reason_is_text_on_the_transfer_and_on_the_customers_events(self):
		o = self.org
		response = self.insert(
			self.login(o.mgr_a),
			"CRM Customer Transfer",
			from_user=o.rep_a2,
			to_user=o.rep_a1,
			transfer_date=today(),
			reason=f"left {IMG} {ENCODED}",
			docstatus=1,
		)
		self.assertEqual(response.status_code, 200, response.text[:400])
		name = self.created("CRM Customer Transfer", response.json["data"]["name"])
		reason = self.fresh().get_value("CRM Customer Transfer", name, "reason")
		events = frappe.get_all(
			"CRM Customer Event",
			filters={"customer": o.c_a2, "event_type": "Ownership Change"},
			fields=["title", "description"],
		)
		self.assertTrue(events)
		for html in [reason] + [e.description for e in events] + [e.title for e in events]:
			self.assertEqual(tags(html), [], html)  # shown as HTML by the forms: no element
		self.assertIn("left", reason)
		# The stored-text guard takes the markup out when the transfer is saved (before it is submitted);
		# what the rep typed as text reaches the events as text.
		self.assertIn("left", events[0].description)

	def test_link_suggestions_give_stored_names_as_text(self):
		o = self.org
		name = f"Acme {o.suffix} {IMG} {ENCODED}"
		frappe.db.set_value("CRM Customer", o.c_a1, {"customer_name": name, "main_business": JSON_QUOTED})
		frappe.db.commit()
		response = self.call(
			self.login(o.rep_a1),
			"frappe.desk.search.search_link",
			doctype="CRM Customer",
			txt=f"Acme {o.suffix}",
		)
		self.assertEqual(response.status_code, 200, response.text[:400])
		rows = [r for r in response.json["message"] if r["value"] == o.c_a1]
		self.assertEqual(len(rows), 1, response.text[:600])
		row = rows[0]
		# Frappe's link control writes `html` (or else `label`) and `description` into the list as HTML.
		self.assertIn("html", row)
		self.assertEqual(tags(row["html"]), ["strong"], row)
		self.assertIn("onerror=alert(1)", quoted(row["html"]))  # the name, as text
		self.assertEqual(tags(row.get("description")), [], row)
		self.assertEqual(row["label"], name)  # the field shows it as text once chosen

	def test_a_solution_goes_into_the_composer_sanitized_whatever_its_shape(self):
		o = self.org
		division_supervisor(o.div_a)
		solution = frappe.get_doc(
			{
				"doctype": "CRM Solution",
				"title": f"Refund {random_string(5)}",
				"category": "Delivery Delay",
				"problem": "Late",
				"solution": "<p>Refund</p>",
				"published": 1,
			}
		).insert(ignore_permissions=True)
		self.created("CRM Solution", solution.name)
		frappe.db.set_value(
			"CRM Solution", solution.name, "solution", JSON_QUOTED
		)  # as Frappe's save keeps it
		complaint = make_complaint(o.c_a1, category="Delivery Delay", handler=o.agent_a)
		frappe.db.commit()
		response = self.call(
			self.login(o.agent_a),
			"crm_plus.crm_complaints.doctype.crm_solution.crm_solution.use",
			complaint=complaint.name,
			solution=solution.name,
		)
		self.assertEqual(response.status_code, 200, response.text[:400])
		html = response.json["message"]["html"]
		self.assertFalse([a for _t, attrs in parse(html).tags for a, _v in attrs if a.startswith("on")], html)

	def test_a_messages_text_opens_no_tag_when_the_composer_quotes_it(self):
		o = self.org
		complaint = make_complaint(o.c_a1)
		for content in (
			f"<p>Broken. {IMG.replace('<', '&lt;').replace('>', '&gt;')}</p>",  # a customer's HTML mail
			f"Broken. &lt;<b></b>img src=x onerror=alert(4)&gt; {ENCODED}",
		):
			communication = frappe.get_doc(
				{
					"doctype": "Communication",
					"communication_type": "Communication",
					"communication_medium": "Email",
					"sent_or_received": "Received",
					"sender": "customer@example.com",
					"subject": "Broken",
					"content": content,
					"reference_doctype": "CRM Complaint",
					"reference_name": complaint.name,
				}
			).insert(ignore_permissions=True)
			stored = frappe.db.get_value("Communication", communication.name, "content")
			self.assertEqual(tags(quoted(stored)), [], stored)
			self.assertIn("Broken.", quoted(stored))

	def test_an_error_message_gives_what_the_request_sent_as_text(self):
		"""The desk shows a refusal's message as HTML: a field, filter, grouping or file named in a link
		someone sends (a list's or report's route options become the request) is echoed as text."""
		client = self.login(self.org.rep_a1)
		requests = [
			("frappe.client.get_list", {"doctype": "CRM Customer", "filters": json.dumps({IMG: "1"})}),
			(
				"frappe.client.get_list",
				{"doctype": "CRM Customer", "filters": json.dumps([[IMG, "name", "=", "x"]])},
			),
			("frappe.client.get_count", {"doctype": IMG, "filters": json.dumps({"name": "x"})}),
			("frappe.client.get_list", {"doctype": "CRM Customer", "filters": json.dumps([IMG])}),
			(
				"frappe.desk.query_report.run",
				{"report_name": "Customer Distribution", "filters": json.dumps({"group_by": IMG})},
			),
		]
		for method, args in requests:
			response = self.call(client, method, **args)
			self.assertGreaterEqual(response.status_code, 400, f"{method}: {response.text[:300]}")
			messages = [
				json.loads(m).get("message", "") for m in json.loads(response.json["_server_messages"])
			]
			self.assertTrue(any("onerror=alert(1)" in quoted(m) for m in messages), f"{method}: {messages}")
			for message in messages:
				self.assertEqual(tags(message), [], f"{method}: {message}")


class TestNotificationSubjects(CRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		service_org(cls)

	def test_the_bell_shows_the_customers_name_as_text(self):
		o = self.org
		name = f"Acme {IMG} {ENCODED}"
		doc = make_complaint(o.c_a1, handler=o.agent_a)
		# stored raw (the complaint's save would have sanitized it unless it looked like JSON)
		frappe.db.set_value("CRM Complaint", doc.name, "customer_name", name, update_modified=False)
		answered(doc)
		service_level.escalate(now=datetime(2026, 11, 16, 13, 30))  # the handler is warned
		subjects = frappe.get_all(
			"Notification Log", filters={"for_user": o.agent_a, "document_name": doc.name}, pluck="subject"
		)
		self.assertEqual(len(subjects), 1)
		# The bell writes the subject into the page as HTML.
		self.assertEqual(tags(subjects[0]), [], subjects[0])
		self.assertIn(name, quoted(subjects[0]))  # the name as the user typed it, shown as text
