"""Stored script (issue 21): each class of payload written by a sales rep, a service agent and a guest on
every write path (REST insert and update, frappe.client.set_value, a child row, the public pages, the
transfer's own SQL, Data Import, the Frappe DocTypes the app's users write) and read back from the
database: no executable markup is left in what was stored, and web address fields refuse any scheme
but http(s), mailto and tel. Each test failed before the guard (crm_plus.stored_text)."""

import json

import frappe
from frappe.tests.test_api import make_request
from frappe.utils import add_days, now_datetime, random_string

from crm_plus.crm_surveys import api as survey_api
from crm_plus.domain import markup, public_links
from crm_plus.tests.http import HTTPTestCase, _encode
from crm_plus.tests.names import COMPLAINT_FORM as FORM
from crm_plus.tests.names import FEEDBACK_SUBMIT as FEEDBACK
from crm_plus.tests.names import SURVEY_SUBMIT as SURVEY
from crm_plus.tests.utils import new_data_import, random_ip

# Each class of payload; Frappe v15's sanitizer stores the JSON-shaped ones, the entity-encoded ones and
# the attribute breakout as written.
PAYLOADS = {
	"json": '"<img src=x onerror=alert(1)>"',
	"json svg": '"<svg onload=alert(1)>"',
	"json list": '["<svg onload=alert(1)>"]',
	"entities": "Hi &lt;img src=x onerror=alert(1)&gt;",
	"numeric entities": "Hi &#60;img src=x onerror=alert(1)&#62;",
	"breakout": '" onmouseover="alert(1)',
	"breakout tag": "'><svg onload=alert(1)>",
	"template": '"{{ frappe.session.user }}{% raw %}<img src=x onerror=alert(1)>{% endraw %}"',
	"script": '"<script>alert(1)</script>"',
	"javascript link": "\"<a href='javascript:alert(1)'>click</a>\"",
}
HOSTILE_URLS = [
	"javascript://example.com/%0Aalert(1)",
	" JaVaScRiPt://example.com/%0Aalert(1)",
	"java&#x09;script://example.com/%0Aalert(1)",
	"java\tscript://example.com/%0Aalert(1)",
	"vbscript://example.com/%0Amsgbox(1)",
	"data://example.com/text/html,<script>alert(1)</script>",
]


class TestStoredText(HTTPTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.user_fields = ("first_name", "last_name", "full_name", "bio")
		cls.user_before = frappe.db.get_value("User", cls.org.rep_a1, cls.user_fields, as_dict=True)
		cls.addClassCleanup(cls._restore_names)

	@classmethod
	def _restore_names(cls):
		"""The rep's name as it was (the organisation's users are kept for later classes)."""
		frappe.db.rollback()
		frappe.db.set_value("User", cls.org.rep_a1, dict(cls.user_before), update_modified=False)
		frappe.db.delete("ToDo", {"allocated_to": cls.org.rep_a1, "description": ("like", "%alert%")})
		frappe.db.commit()

	def setUp(self):
		super().setUp()
		frappe.cache.delete_keys("rl:crm_plus")
		frappe.cache.delete_keys("crm_plus:rl:")

	def assertRunsNothing(self, stored, where, rich=False):
		"""What was stored holds no executable markup, read as HTML and, in a plain text field (not
		`rich`, a Text Editor), with its entities decoded once more; quotes cannot end an attribute it is
		put into; template syntax was not evaluated."""
		self.assertEqual(markup.executable_markup(stored, rich), [], f"{where}: {stored!r}")
		if isinstance(stored, str) and not stored.lstrip().startswith("["):
			self.assertFalse(markup.breaks_out_of_attribute(stored), f"{where}: {stored!r}")
			self.assertNotIn("@test.example", stored, f"{where}: a template was evaluated")

	def ok(self, response):
		self.assertEqual(response.status_code, 200, response.text[:600])
		return response.json

	# ------------------------------------------------------------------ a sales rep
	def test_a_reps_text_on_the_customer_and_its_key_people_is_stored_without_markup(self):
		"""REST update of the customer's text fields and a key person row, and frappe.client.set_value:
		each payload class, read back from the database."""
		rep = self.login(self.org.rep_a1)
		fields = (
			"notes",
			"main_business",
			"brands_handled",
			"competitor_cooperation",
			"purchase_decision_notes",
		)
		for kind, payload in PAYLOADS.items():
			response = self.put(
				rep,
				f"/api/resource/CRM Customer/{self.org.c_a1}",
				{
					**{f: payload for f in fields},
					"key_people": [{"person_name": payload, "position": payload, "notes": payload}],
				},
			)
			self.ok(response)
			stored = self.fresh().get_value("CRM Customer", self.org.c_a1, fields, as_dict=True)
			for field in fields:
				self.assertRunsNothing(stored[field], f"{kind} in CRM Customer.{field}")
			for row in frappe.get_all(
				"CRM Customer Key Person",
				{"parent": self.org.c_a1},
				["person_name", "position", "notes"],
			):
				for field, value in row.items():
					self.assertRunsNothing(value, f"{kind} in CRM Customer Key Person.{field}")

			response = self.set_value(rep, "CRM Customer", self.org.c_a1, "notes", payload + " (set_value)")
			self.ok(response)
			self.assertRunsNothing(
				self.fresh().get_value("CRM Customer", self.org.c_a1, "notes"), f"{kind} by set_value"
			)

		# The customer's name, shown on every view of it.
		self.ok(self.set_value(rep, "CRM Customer", self.org.c_a1, "customer_name", PAYLOADS["json"]))
		self.assertRunsNothing(
			self.fresh().get_value("CRM Customer", self.org.c_a1, "customer_name"), "customer_name"
		)

		# An email field of a child row: Frappe takes a display name there (`"Name" <address>`) and never
		# sanitizes it.
		contact = self.ok(
			self.insert(
				rep,
				"Contact",
				first_name=f"Buyer {random_string(6)}",
				designation=PAYLOADS["json"],
				email_ids=[{"email_id": '"<svg onload=alert(1)>" <buyer@example.com>', "is_primary": 1}],
				links=[{"link_doctype": "CRM Customer", "link_name": self.org.c_a1}],
			)
		)["data"]["name"]
		self.created("Contact", contact)
		self.fresh()
		self.assertRunsNothing(frappe.db.get_value("Contact", contact, "designation"), "Contact.designation")
		for email in frappe.get_all("Contact Email", {"parent": contact}, pluck="email_id"):
			self.assertRunsNothing(email, "Contact Email.email_id")

		# Plain text is stored as written: no `&amp;`, no quotes turned into references.
		text = 'AT&T says "50% off" when 3 < 4 {{ not a template }}'
		self.ok(self.put(rep, f"/api/resource/CRM Customer/{self.org.c_a1}", {"notes": text}))
		self.assertEqual(self.fresh().get_value("CRM Customer", self.org.c_a1, "notes"), text)

	def test_a_reps_lead_opportunity_and_visit_are_stored_without_markup(self):
		"""REST inserts of the sales funnel and a visit, each text field carrying a payload."""
		rep = self.login(self.org.rep_a1)
		for kind, payload in PAYLOADS.items():
			lead = self.ok(
				self.insert(
					rep,
					"CRM Lead",
					lead_name=f"Lead {random_string(6)}",
					company_name=payload,
					notes=payload,
					account_manager=self.org.rep_a1,
				)
			)["data"]["name"]
			self.created("CRM Lead", lead)
			stored = self.fresh().get_value("CRM Lead", lead, ["company_name", "notes"], as_dict=True)
			for field, value in stored.items():
				self.assertRunsNothing(value, f"{kind} in CRM Lead.{field}")

			opportunity = self.ok(
				self.insert(
					rep,
					"CRM Opportunity",
					title=f"Deal {random_string(6)}",
					customer=self.org.c_a1,
					account_manager=self.org.rep_a1,
					description=payload,
					next_step=payload,
					competitors=payload,
				)
			)["data"]["name"]
			stored = self.fresh().get_value(
				"CRM Opportunity", opportunity, ["description", "next_step", "competitors"], as_dict=True
			)
			for field, value in stored.items():
				self.assertRunsNothing(value, f"{kind} in CRM Opportunity.{field}")

			visit = self.ok(
				self.insert(
					rep,
					"CRM Visit",
					customer=self.org.c_a1,
					sales_rep=self.org.rep_a1,
					planned_start=add_days(now_datetime(), 1),
					outcome=payload,
					commitments=payload,
					problems_raised=payload,
					next_step=payload,
				)
			)["data"]["name"]
			stored = self.fresh().get_value(
				"CRM Visit", visit, ["outcome", "commitments", "problems_raised", "next_step"], as_dict=True
			)
			for field, value in stored.items():
				self.assertRunsNothing(value, f"{kind} in CRM Visit.{field}")

	def test_the_customers_website_takes_web_mail_and_phone_links_only(self):
		rep = self.login(self.org.rep_a1)
		for url in HOSTILE_URLS:
			response = self.put(rep, f"/api/resource/CRM Customer/{self.org.c_a1}", {"website": url})
			self.assertEqual(response.status_code, 417, f"{url!r}: {response.text[:300]}")
			self.assertIn("http", response.json.get("exception", "") + response.text)
			self.assertNotEqual(self.fresh().get_value("CRM Customer", self.org.c_a1, "website"), url)
		# (Frappe itself asks a URL field for a host: mailto: and tel: links are refused there anyway.)
		for url in ("https://example.com/about?a=1&b=2", "http://example.com"):
			self.ok(self.put(rep, f"/api/resource/CRM Customer/{self.org.c_a1}", {"website": url}))
			self.assertEqual(self.fresh().get_value("CRM Customer", self.org.c_a1, "website"), url)

	def test_a_reps_own_name_and_todo_are_stored_without_markup(self):
		"""The Frappe DocTypes the app's users write: a rep's own first name (shown wherever the rep is
		named), a ToDo."""
		rep = self.login(self.org.rep_a1)
		for kind in ("json", "json svg", "entities", "breakout"):
			payload = PAYLOADS[kind]
			self.ok(
				self.put(
					rep, f"/api/resource/User/{self.org.rep_a1}", {"first_name": payload, "bio": payload}
				)
			)
			stored = self.fresh().get_value(
				"User", self.org.rep_a1, ["first_name", "full_name", "bio"], as_dict=True
			)
			for field, value in stored.items():
				self.assertRunsNothing(value, f"{kind} in User.{field}")

			todo = self.ok(self.insert(rep, "ToDo", description=payload, allocated_to=self.org.rep_a1))[
				"data"
			]["name"]
			self.assertRunsNothing(
				self.fresh().get_value("ToDo", todo, "description"), f"{kind} in ToDo", rich=True
			)

	# ------------------------------------------------------------------ a service agent
	def test_an_agents_complaint_text_is_stored_without_markup(self):
		agent = self.login(self.org.agent_a)
		fields = ("description", "resolution", "root_cause", "corrective_action", "preventive_action")
		for kind, payload in PAYLOADS.items():
			name = self.ok(
				self.file_complaint(
					agent,
					**{f: payload for f in fields},
				)
			)["data"]["name"]
			stored = self.fresh().get_value("CRM Complaint", name, fields, as_dict=True)
			for field, value in stored.items():
				self.assertRunsNothing(value, f"{kind} in CRM Complaint.{field}", rich=field == "description")
			self.ok(
				self.set_value(agent, "CRM Complaint", name, {"root_cause": payload, "resolution": payload})
			)
			stored = self.fresh().get_value("CRM Complaint", name, ["root_cause", "resolution"], as_dict=True)
			for field, value in stored.items():
				self.assertRunsNothing(value, f"{kind} in CRM Complaint.{field} by set_value")

	# ------------------------------------------------------------------ a guest on the public pages
	def test_a_guests_complaint_feedback_and_survey_answer_are_stored_without_markup(self):
		guest = self.login("Guest")
		for kind in ("json", "json svg", "entities", "breakout", "template"):
			payload = PAYLOADS[kind]
			response = make_request(
				guest.post,
				(f"/api/method/{FORM}",),
				{
					"data": _encode(
						{
							"full_name": "Guest",
							"email": f"guest-{random_string(6)}@example.com",
							"subject": payload,
							"description": payload,
						}
					),
					"headers": {"X-Forwarded-For": random_ip()},
				},
			)
			answer = self.ok(response)["message"]
			self.assertTrue(answer["ok"], answer)
			name = self.created("CRM Complaint", answer["complaint"])
			stored = self.fresh().get_value(
				"CRM Complaint", name, ["subject", "raised_by_name", "description"], as_dict=True
			)
			for field, value in stored.items():
				self.assertRunsNothing(
					value, f"{kind} in the public form's CRM Complaint.{field}", rich=field == "description"
				)

		# The feedback comment of a resolved Web complaint.
		complaint = frappe.get_doc(
			{
				"doctype": "CRM Complaint",
				"customer": self.org.c_a1,
				"channel": "Web",
				"received_at": add_days(now_datetime(), -1),
				"subject": "Parcel late",
				"description": "It came late.",
			}
		)
		complaint.flags.ignore_permissions = True
		complaint.insert()
		frappe.db.commit()
		self.ok(
			self.put(
				self.login(self.org.agent_a),
				f"/api/resource/CRM Complaint/{complaint.name}",
				{"status": "Resolved", "resolution": "Refunded"},
			)
		)
		token = self.fresh().get_value("CRM Complaint", complaint.name, "feedback_token")
		self.assertTrue(token)
		answer = self.ok(
			make_request(
				guest.post,
				(f"/api/method/{FEEDBACK}",),
				{
					"data": _encode(
						{"token": token, "resolved": 1, "rating": 4, "comment": PAYLOADS["json"]}
					),
					"headers": {"X-Forwarded-For": random_ip()},
				},
			)
		)["message"]
		self.assertTrue(answer["ok"], answer)
		self.assertRunsNothing(
			self.fresh().get_value("CRM Complaint", complaint.name, "feedback_comment"), "feedback comment"
		)

		# A text answer of a survey, a child row of the response (an anonymous customer's answer, read by
		# the supervisor who opens the response).
		template = self._text_survey_template()
		campaign = frappe.get_doc(
			{
				"doctype": "CRM Survey Campaign",
				"campaign_name": f"Stored text {random_string(6)}",
				"template": template,
				"channel": "Phone",
				"status": "Running",
			}
		).insert(ignore_permissions=True)
		self.addCleanup(self._remove_campaign, campaign.name, template)
		question = survey_api.questions_of(template)[0]["id"]
		for kind in ("json", "json list", "entities", "breakout tag"):
			token = public_links.new_token()
			frappe.get_doc(
				{
					"doctype": "CRM Survey Invitation",
					"campaign": campaign.name,
					"customer": self.org.c_a1,
					"channel": "Web Link",
					"status": "Sent",
					"expires_at": add_days(now_datetime(), 14),
					"token": token,
					"survey_link": survey_api.survey_url(token),
				}
			).insert(ignore_permissions=True)
			frappe.db.commit()
			answer = self.ok(
				self.call(guest, SURVEY, token=token, answers=json.dumps({question: PAYLOADS[kind]}))
			)["message"]
			self.assertTrue(answer["ok"], answer)
			stored = self.fresh().get_value("CRM Survey Answer", {"parent": answer["response"]}, "answer")
			self.assertRunsNothing(stored, f"{kind} in a survey's text answer")

	@staticmethod
	def _text_survey_template() -> str:
		return (
			frappe.get_doc(
				{
					"doctype": "CRM Survey Template",
					"template_name": f"Stored text {random_string(6)}",
					"questions": [{"question": "Anything else?", "question_type": "Text"}],
				}
			)
			.insert(ignore_permissions=True)
			.name
		)

	@staticmethod
	def _remove_campaign(campaign: str, template: str):
		frappe.db.rollback()
		responses = frappe.get_all("CRM Survey Response", {"campaign": campaign}, pluck="name")
		if responses:
			frappe.db.delete("CRM Survey Answer", {"parent": ("in", responses)})
			frappe.db.delete("CRM Survey Response", {"name": ("in", responses)})
		frappe.db.delete("CRM Survey Invitation", {"campaign": campaign})
		frappe.db.delete("CRM Survey Campaign", {"name": campaign})
		frappe.db.delete("CRM Survey Question", {"parent": template})
		frappe.db.delete("CRM Survey Template", {"name": template})
		frappe.db.commit()

	# ------------------------------------------------------------------ the app's own writes
	def test_a_transfers_reason_is_stored_without_markup_on_the_transfer_and_the_customers_events(self):
		"""The transfer is saved submitted (Frappe's sanitizer skips submitted documents) and writes its
		reason into each customer's event by SQL."""
		customer = self.org.c_a2
		reason = "Leaving <img src=x onerror=alert(1)>"
		response = self.transfer(self.org.mgr_a, self.org.rep_a2, self.org.rep_a1, reason=reason)
		name = self.ok(response)["data"]["name"]
		self.assertRunsNothing(
			self.fresh().get_value("CRM Customer Transfer", name, "reason"), "transfer reason"
		)
		events = frappe.get_all(
			"CRM Customer Event",
			{"customer": customer, "event_type": "Ownership Change"},
			pluck="description",
		)
		self.assertTrue(events)
		for description in events:
			self.assertRunsNothing(description, "the customer event's description")

	def test_a_managers_grade_reason_is_stored_without_markup(self):
		"""The manual grade's reason is written by frappe.db.set_value on the customer and its grade log."""
		manager = self.login(self.org.mgr_a)
		self.ok(
			self.call(
				manager,
				"crm_plus.crm_customers.grading.override_grade",
				customer=self.org.c_a1,
				grade="VIP",
				reason=PAYLOADS["json"],
			)
		)
		self.fresh()
		self.assertRunsNothing(
			frappe.db.get_value("CRM Customer", self.org.c_a1, "grade_override_reason"),
			"grade_override_reason",
		)
		for reason in frappe.get_all("CRM Customer Grade Log", {"customer": self.org.c_a1}, pluck="reason"):
			self.assertRunsNothing(reason, "the grade log's reason")

	def test_text_stored_before_the_guard_is_cleaned_by_the_patch(self):
		"""A site attacked before this version keeps the payloads it stored: the migrate's patch cleans
		them in the app's records, their child rows and users' names, and clears script addresses."""
		from crm_plus.patches import clean_stored_text

		customer, rep = self.org.c_a1, self.org.rep_a1
		# As an older version stored them.
		frappe.db.set_value(
			"CRM Customer",
			customer,
			{
				"notes": PAYLOADS["json"],
				"main_business": PAYLOADS["entities"],
				"website": HOSTILE_URLS[0],
			},
			update_modified=False,
		)
		row = frappe.get_doc(
			{
				"doctype": "CRM Customer Key Person",
				"parent": customer,
				"parenttype": "CRM Customer",
				"parentfield": "key_people",
				"person_name": "Buyer",
			}
		)
		row.db_insert()
		frappe.db.set_value("CRM Customer Key Person", row.name, "notes", PAYLOADS["json list"])
		frappe.db.set_value("User", rep, "first_name", PAYLOADS["json svg"], update_modified=False)
		frappe.db.set_value("CRM Customer", self.org.c_b, "notes", "AT&T: 3 < 4", update_modified=False)

		clean_stored_text.execute()

		stored = frappe.db.get_value(
			"CRM Customer", customer, ["notes", "main_business", "website"], as_dict=True
		)
		self.assertRunsNothing(stored.notes, "notes")
		self.assertRunsNothing(stored.main_business, "main_business")
		self.assertEqual(stored.website, "")
		self.assertRunsNothing(
			frappe.db.get_value("CRM Customer Key Person", row.name, "notes"), "key person"
		)
		self.assertRunsNothing(frappe.db.get_value("User", rep, "first_name"), "the rep's first name")
		self.assertEqual(frappe.db.get_value("CRM Customer", self.org.c_b, "notes"), "AT&T: 3 < 4")
		frappe.db.rollback()

	def test_a_data_import_is_cleaned_as_a_form_save(self):
		"""Data Import saves each row as a document: the guard runs on it."""
		from frappe.core.doctype.data_import.importer import Importer

		lead_name = f"Imported {random_string(6)}"
		content = "lead_name,company_name,notes\n" + ",".join(
			json.dumps(v) for v in (lead_name, PAYLOADS["json"], PAYLOADS["entities"])
		)
		file, data_import = new_data_import("CRM Lead", f"leads-{random_string(6)}.csv", content)
		frappe.db.commit()
		self.addCleanup(self._remove_import, data_import.name, file.name, lead_name)
		Importer("CRM Lead", data_import=data_import).import_data()
		lead = frappe.db.get_value(
			"CRM Lead", {"lead_name": lead_name}, ["name", "company_name", "notes"], as_dict=True
		)
		self.assertTrue(
			lead, frappe.get_all("Data Import Log", {"data_import": data_import.name}, ["messages"])
		)
		self.assertRunsNothing(lead.company_name, "imported company name")
		self.assertRunsNothing(lead.notes, "imported notes")

	@staticmethod
	def _remove_import(data_import: str, file: str, lead_name: str):
		frappe.db.rollback()
		frappe.db.delete("CRM Lead", {"lead_name": lead_name})
		frappe.db.delete("Data Import Log", {"data_import": data_import})
		frappe.db.delete("Data Import", {"name": data_import})
		frappe.delete_doc("File", file, ignore_permissions=True, force=True)
		frappe.db.commit()
