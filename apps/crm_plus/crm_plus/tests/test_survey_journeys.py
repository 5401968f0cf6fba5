"""Surveys walked by their actors over HTTP: a customer (Guest) opens the public page and answers,
happy or not; a service agent records answers given on the phone; a sales rep of another division may
not. Closed campaigns, tokens with their case changed, two submissions of one link at once and stored
HTML in the template's texts are handled as the public page must handle them."""

import json
import threading
import time
from unittest.mock import patch

import frappe
from frappe.utils import get_test_client, now_datetime, random_string

from crm_plus.crm_surveys import api, progress
from crm_plus.domain import public_links, surveys
from crm_plus.tests.http import HTTPTestCase
from crm_plus.tests.names import ATTRIBUTE_BREAKOUT as ATTR
from crm_plus.tests.names import IMG
from crm_plus.tests.names import SURVEY_SUBMIT as SUBMIT
from crm_plus.tests.names import SURVEY_TEMPLATE as TEMPLATE
from crm_plus.tests.test_surveys import answers as survey_answers
from crm_plus.tests.utils import make_customer, make_user

RECORD = "crm_plus.crm_surveys.api.record_answers"


class TestSurveyJourneys(HTTPTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.campaigns = []
		cls.templates = []
		cls.org.extra_customers = []
		cls.campaign = cls.make_campaign()
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		super().tearDownClass()  # the organisation's invitations, responses and complaints
		for campaign in cls.campaigns:
			frappe.db.delete("CRM Survey Invitation", {"campaign": campaign})
			frappe.db.delete("CRM Survey Campaign", {"name": campaign})
		for template in cls.templates:
			frappe.db.delete("CRM Survey Question", {"parent": template})
			frappe.db.delete("CRM Survey Template", {"name": template})
		frappe.db.commit()

	@classmethod
	def make_campaign(cls, template=TEMPLATE, status="Running") -> str:
		doc = frappe.get_doc(
			{
				"doctype": "CRM Survey Campaign",
				"campaign_name": f"Journeys {cls.org.suffix} {random_string(5)}",
				"template": template,
				"channel": "Phone",
				"status": status,
			}
		).insert(ignore_permissions=True)
		cls.campaigns.append(doc.name)
		return doc.name

	def invite(self, customer: str, campaign: str | None = None):
		"""A committed invitation of `customer` with a fresh link (as the campaign's start makes them)."""
		token = public_links.new_token()
		doc = frappe.get_doc(
			{
				"doctype": "CRM Survey Invitation",
				"campaign": campaign or self.campaign,
				"customer": customer,
				"channel": "Web Link",
				"status": "Sent",
				"expires_at": frappe.utils.add_days(now_datetime(), 14),
				"token": token,
				"survey_link": api.survey_url(token),
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		return doc

	def message(self, response):
		self.assertEqual(response.status_code, 200, response.text)
		return response.json["message"]

	def responses_of(self, invitation: str) -> list[str]:
		frappe.db.rollback()  # a fresh snapshot: see what the requests committed
		return frappe.get_all("CRM Survey Response", {"invitation": invitation}, pluck="name")

	# ------------------------------------------------------------------ the customer, as Guest
	def test_guest_unhappy_answer_is_stored_and_opens_a_complaint_for_the_account_manager(self):
		inv = self.invite(self.org.c_b)
		guest = self.login("Guest")
		result = self.message(
			self.call(
				guest, SUBMIT, token=inv.token, answers=survey_answers(delivery="1", staff="1", nps="0")
			)
		)
		self.assertEqual((result["ok"], result["state"]), (True, "answered"), result)
		(name,) = self.responses_of(inv.name)
		response = frappe.get_doc("CRM Survey Response", name)
		self.assertEqual((response.unhappy, response.nps_score, response.customer), (1, 0, self.org.c_b))
		self.follow_up()  # what the queued job (or the scheduler's sweep) does after the answer
		response.reload()
		complaint = frappe.get_doc("CRM Complaint", response.follow_up)
		self.assertEqual(
			(complaint.customer, complaint.channel, complaint.handler, complaint.severity),
			(self.org.c_b, "Survey", self.org.rep_b, "High"),
		)
		self.assertEqual(frappe.db.get_value("CRM Survey Invitation", inv.name, "status"), "Answered")
		# A happy answer of another customer is stored too, and opens nothing.
		happy = self.invite(self.org.c_a1)
		result = self.message(self.call(guest, SUBMIT, token=happy.token, answers=survey_answers()))
		self.assertTrue(result["ok"], result)
		(name,) = self.responses_of(happy.name)
		self.follow_up()
		self.assertFalse(frappe.db.get_value("CRM Survey Response", name, "follow_up"))
		self.assertEqual(frappe.db.get_value("CRM Survey Response", name, "follow_up_pending"), 0)

	def follow_up(self):
		"""What runs after a guest's answer, as the worker or the scheduler's sweep runs it."""
		frappe.db.rollback()
		api.follow_up_pending()
		frappe.db.commit()

	def complaints_of(self, customer: str) -> int:
		frappe.db.rollback()
		return frappe.db.count("CRM Complaint", {"customer": customer, "channel": "Survey"})

	def test_an_unhappy_answer_opens_one_complaint_even_when_the_queue_is_down(self):
		"""Redis unreachable when the guest answers: the answer is stored and accepted all the same,
		its follow-up waits, flagged, and the sweep opens exactly one complaint however often it runs,
		also beside a job that does the same follow-up."""
		from frappe.utils import background_jobs
		from redis import Redis

		inv = self.invite(self.org.c_b)
		before = self.complaints_of(self.org.c_b)
		guest = self.login("Guest")
		queue = background_jobs._redis_queue_conn
		# A connection to a port where nothing listens: the queue is down for this request.
		background_jobs._redis_queue_conn = Redis(host="127.0.0.1", port=9, socket_connect_timeout=1)
		try:
			result = self.message(
				self.call(
					guest, SUBMIT, token=inv.token, answers=survey_answers(delivery="1", staff="1", nps="0")
				)
			)
		finally:
			background_jobs._redis_queue_conn = queue
		self.assertEqual((result["ok"], result["state"]), (True, "answered"), result)
		(name,) = self.responses_of(inv.name)
		self.assertEqual(
			frappe.db.get_value("CRM Survey Response", name, ["unhappy", "follow_up_pending"]), (1, 1)
		)
		self.assertEqual(self.complaints_of(self.org.c_b), before)  # not yet: nothing ran it
		self.follow_up()
		self.assertEqual(self.complaints_of(self.org.c_b), before + 1)
		complaint = frappe.db.get_value("CRM Survey Response", name, "follow_up")
		self.assertEqual(frappe.db.get_value("CRM Complaint", complaint, "customer"), self.org.c_b)
		# The sweep again, and the job arriving late: nothing more.
		self.follow_up()
		self.assertFalse(api.follow_up(name))
		frappe.db.commit()
		self.assertEqual(self.complaints_of(self.org.c_b), before + 1)
		self.assertEqual(frappe.db.get_value("CRM Survey Invitation", inv.name, "status"), "Answered")

	def test_only_the_system_opens_a_complaint_without_the_customers_permission(self):
		# The flag the follow-up uses cannot be sent in a request: a rep of division B still cannot
		# open a complaint for a customer of division A, nor can a Guest.
		before = frappe.db.count("CRM Complaint", {"customer": self.org.c_a1})
		doc = {
			"doctype": "CRM Complaint",
			"customer": self.org.c_a1,
			"channel": "Survey",
			"received_at": str(now_datetime()),
			"subject": "Not from a survey",
			"flags": {"ignore_permissions": 1},
		}
		for user in (self.org.rep_b, "Guest"):
			response = self.call(self.login(user), "frappe.client.insert", doc=doc)
			self.assertEqual(response.status_code, 403, response.text)
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("CRM Complaint", {"customer": self.org.c_a1}), before)

	def test_opening_the_page_counts_once(self):
		campaign = self.make_campaign()
		inv = self.invite(self.org.c_a2, campaign)
		self.invite(self.org.c_a1, campaign)
		progress.recount(campaign)
		frappe.db.commit()
		self.assertEqual(frappe.db.get_value("CRM Survey Campaign", campaign, "opened"), 0)
		guest = self.login("Guest")
		page = self.get(guest, "/survey", {"token": inv.token})
		self.assertEqual(page.status_code, 200, page.text[:500])
		self.assertIn('id="crm-survey-form"', page.text)
		frappe.db.rollback()
		status, opened_at = frappe.db.get_value("CRM Survey Invitation", inv.name, ["status", "opened_at"])
		self.assertEqual(status, "Opened")
		self.assertTrue(opened_at)
		self.assertEqual(frappe.db.get_value("CRM Survey Campaign", campaign, ["invited", "opened"]), (2, 1))
		# Opening it again changes nothing.
		self.assertEqual(self.get(guest, "/survey", {"token": inv.token}).status_code, 200)
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("CRM Survey Invitation", inv.name, "opened_at"), opened_at)
		self.assertEqual(frappe.db.get_value("CRM Survey Campaign", campaign, "opened"), 1)

	def test_a_closed_campaign_takes_no_more_answers(self):
		campaign = self.make_campaign()
		inv = self.invite(self.org.c_a1, campaign)
		phoned = self.invite(self.org.c_a2, campaign)
		frappe.db.set_value("CRM Survey Campaign", campaign, "status", "Closed")
		frappe.db.commit()
		guest = self.login("Guest")
		result = self.message(self.call(guest, SUBMIT, token=inv.token, answers=survey_answers()))
		self.assertEqual(result, {"ok": False, "state": "closed"})
		self.assertEqual(self.responses_of(inv.name), [])
		self.assertFalse(frappe.db.get_value("CRM Survey Invitation", inv.name, "answered_at"))
		page = self.get(guest, "/survey", {"token": inv.token})
		self.assertIn('data-state="closed"', page.text)
		self.assertNotIn('id="crm-survey-form"', page.text)
		agent = self.login(self.org.agent_a)
		response = self.call(agent, RECORD, invitation=phoned.name, answers=survey_answers())
		self.assertEqual(response.status_code, 417, response.text)
		self.assertEqual(self.responses_of(phoned.name), [])

	def test_a_token_with_its_case_changed_is_forged(self):
		inv = self.invite(self.org.c_a2)
		forged = inv.token.swapcase()
		self.assertNotEqual(forged, inv.token)
		guest = self.login("Guest")
		result = self.message(self.call(guest, SUBMIT, token=forged, answers=survey_answers()))
		self.assertEqual(result, {"ok": False, "state": "forged"})
		self.assertEqual(self.responses_of(inv.name), [])
		page = self.get(guest, "/survey", {"token": forged})
		self.assertIn('data-state="forged"', page.text)
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("CRM Survey Invitation", inv.name, "status"), "Sent")

	def test_two_submissions_of_one_link_at_once_store_one_answer(self):
		inv = self.invite(self.org.c_a1)
		body, site = {"token": inv.token, "answers": survey_answers()}, frappe.local.site
		results = [None, None]

		def submit(i):
			client = get_test_client()  # its own cookie jar and database connection
			results[i] = client.post(f"/api/method/{SUBMIT}", json=body)

		# Hold the invitation's row lock, so that both requests wait for it and then race.
		frappe.db.sql("select name from `tabCRM Survey Invitation` where name = %s for update", inv.name)
		threads = [threading.Thread(target=submit, args=(i,)) for i in range(2)]
		with patch("frappe.app.get_site_name", return_value=site):  # as make_request does, for both
			for t in threads:
				t.start()
			time.sleep(3)
			frappe.db.commit()  # releases the lock
			for t in threads:
				t.join(120)
		self.assertEqual([r.status_code for r in results], [200, 200], [r.text[:300] for r in results])
		states = sorted(r.json["message"]["state"] for r in results)
		self.assertEqual(states, ["answered", "used"], [r.json for r in results])
		self.assertIn({"ok": False, "state": "used"}, [r.json["message"] for r in results])
		self.assertEqual(len(self.responses_of(inv.name)), 1)

	def progress_of(self, campaign: str) -> dict:
		"""The campaign's counters and figures as stored (committed)."""
		fields = [*surveys.PROGRESS_COUNTERS, *progress.FIGURES]
		return frappe._dict(
			zip(fields, self.fresh().get_value("CRM Survey Campaign", campaign, fields), strict=True)
		)

	def assert_counted_as_recounted(self, campaign: str) -> dict:
		"""The counters kept as things changed equal a full recount of the campaign, figures too."""
		kept = self.progress_of(campaign)
		recounted = progress.recount(campaign)
		self.assertEqual({k: kept[k] for k in surveys.PROGRESS_COUNTERS}, recounted)
		self.assertEqual(kept, self.progress_of(campaign))
		return kept

	def test_the_progress_counted_under_load_equals_a_full_recount(self):
		"""40 guests at once each open their page, answer and open it again, 20 more open theirs twice,
		an agent records 5 phone answers and a CRM admin recounts the campaign meanwhile: no request
		fails, every answer is stored, and the counters kept by the answers and page views (no recount
		each) equal a full recount."""
		campaign = self.make_campaign()
		frappe.db.commit()
		customers = [self.org.c_a1, self.org.c_a2]
		links = [self.invite(customers[i % 2], campaign) for i in range(60)]
		phoned = [self.invite(customers[i % 2], campaign) for i in range(5)]
		answers = [
			json.dumps(survey_answers(delivery=str(3 + i % 3), staff=str(5 - i % 3), nps=str(7 + i % 4)))
			for i in range(40)
		]
		make_user("surveys-crm-admin@test.example", ["CRM Admin"])
		frappe.db.commit()
		admin = self.login("surveys-crm-admin@test.example")
		agent = self.login(self.org.agent_a)
		site, failures = frappe.local.site, []

		def ok(response, what):
			if response.status_code != 200:
				failures.append((what, response.status_code, response.text[:300]))
			return response

		def guest(i):
			client, token = get_test_client(), links[i].token  # its own connection, as a browser's
			ok(client.get("/survey", query_string={"token": token}), "page")
			if i < 40:
				sent = ok(
					client.post(f"/api/method/{SUBMIT}", data={"token": token, "answers": answers[i]}),
					"submit",
				)
				if sent.status_code == 200 and not sent.json["message"].get("ok"):
					failures.append(("submit", sent.json))
			ok(client.get("/survey", query_string={"token": token}), "page again")

		def staff():
			for i, invitation in enumerate(phoned):
				body = {"invitation": invitation.name, "answers": answers[i]}
				ok(agent.post(f"/api/method/{RECORD}", data=body), "phone answers")
				if i == 2:
					body = {"dt": "CRM Survey Campaign", "dn": campaign, "method": "recount_progress"}
					ok(admin.post("/api/method/run_doc_method", data=body), "recount")

		threads = [threading.Thread(target=guest, args=(i,)) for i in range(60)]
		threads.append(threading.Thread(target=staff))
		with patch("frappe.app.get_site_name", return_value=site):
			for t in threads:
				t.start()
			for t in threads:
				t.join(300)
		self.assertEqual(failures, [])
		self.assertEqual(
			self.fresh().count("CRM Survey Response", {"campaign": campaign}), 45, "every answer stored"
		)
		kept = self.assert_counted_as_recounted(campaign)
		self.assertEqual(
			(kept.invited, kept.opened, kept.answered, kept.satisfaction_answers), (65, 65, 45, 90)
		)
		self.assertEqual(kept.response_rate, 69.2)  # 45 of 65

	def test_changes_made_in_the_desk_are_counted_and_a_save_keeps_the_counts(self):
		"""An invitation made, moved to another status or campaign and deleted in the desk, a response
		deleted: each counted; a campaign saved from a form loaded before an answer keeps that answer."""
		campaign, other = self.make_campaign(), self.make_campaign()
		frappe.db.commit()
		form = frappe.get_doc("CRM Survey Campaign", campaign)  # loaded now, saved after the answers
		links = [self.invite(self.org.c_a1, campaign) for _i in range(4)]
		guest = self.login("Guest")
		for link in links[:2]:
			self.assertTrue(
				self.message(self.call(guest, SUBMIT, token=link.token, answers=survey_answers()))["ok"]
			)
		frappe.db.rollback()
		form.expires_in_days = 30
		form.save()
		frappe.db.commit()
		self.assertEqual(self.progress_of(campaign).answered, 2)
		moved = frappe.get_doc("CRM Survey Invitation", links[2].name)
		moved.status = "Opened"
		moved.save()
		moved.campaign = other
		moved.save()
		frappe.delete_doc("CRM Survey Invitation", links[3].name)
		response = frappe.get_all("CRM Survey Response", {"invitation": links[0].name}, pluck="name")[0]
		frappe.delete_doc("CRM Survey Response", response)
		frappe.db.commit()
		kept = self.assert_counted_as_recounted(campaign)
		self.assertEqual((kept.invited, kept.opened, kept.answered, kept.satisfaction_answers), (2, 2, 2, 2))
		kept = self.assert_counted_as_recounted(other)
		self.assertEqual((kept.invited, kept.opened, kept.answered), (1, 1, 0))

	def test_the_page_escapes_stored_texts(self):
		template = frappe.get_doc(
			{
				"doctype": "CRM Survey Template",
				"template_name": f"Hostile {self.org.suffix}",
				"introduction": "Intro",
				"thank_you": "Thanks",
				"questions": [
					{"section": "S", "question": "Q1", "question_type": "Satisfaction", "required": 1},
					{"section": "S", "question": "Q2", "question_type": "Single Choice", "options": "a\nb"},
					{"section": "S", "question": "Q3", "question_type": "Multiple Choice", "options": "c"},
				],
			}
		).insert(ignore_permissions=True)
		self.templates.append(template.name)
		# Stored as they may be (imported, or typed before a sanitiser): set beside the form's filter.
		payload = IMG + ATTR
		frappe.db.set_value(
			"CRM Survey Template",
			template.name,
			{"introduction": payload, "thank_you": payload},
			update_modified=False,
		)
		for row in template.questions:
			values = {"section": payload, "question": payload}
			if row.question_type != "Satisfaction":
				values["options"] = f"{payload}\n{ATTR}"
			frappe.db.set_value("CRM Survey Question", row.name, values, update_modified=False)
		customer = make_customer(account_manager=self.org.rep_a1, sales_team=self.org.team_a1).name
		self.org.extra_customers.append(customer)
		frappe.db.set_value("CRM Customer", customer, "customer_name", payload, update_modified=False)
		frappe.clear_document_cache("CRM Survey Template", template.name)
		inv = self.invite(customer, self.make_campaign(template.name))
		frappe.db.set_value("CRM Survey Invitation", inv.name, "customer_name", payload)
		frappe.db.commit()

		page = self.get(self.login("Guest"), "/survey", {"token": inv.token})
		self.assertEqual(page.status_code, 200, page.text[:500])
		html = page.text
		self.assertIn('id="crm-survey-form"', html)
		form = html[
			html.find('<div class="crm-survey"') : html.find(
				"</script>", html.find('<div class="crm-survey"')
			)
		]
		self.assertFalse("<img src=x" in html, form)
		self.assertFalse('" autofocus' in html, form)
		self.assertIn("&lt;img src=x onerror=alert(1)&gt;", html)
		# The options stay answerable: the escaped value comes back as the option itself.
		q2 = next(q for q in api.questions_of(template.name) if q["type"] == "Single Choice")
		self.assertIn('value="&#34; autofocus onfocus=&#34;alert(1)"', html)
		answers = {q2["id"]: ATTR}
		q1 = next(q for q in api.questions_of(template.name) if q["type"] == "Satisfaction")
		answers[q1["id"]] = "2"
		result = self.message(self.call(self.login("Guest"), SUBMIT, token=inv.token, answers=answers))
		self.assertTrue(result["ok"], result)

	# ------------------------------------------------------------------ service staff, on the phone
	def test_a_service_agent_records_phone_answers_for_a_customer_of_a_division_served(self):
		inv = self.invite(self.org.c_a1)
		agent = self.login(self.org.agent_a)
		questions = self.message(
			self.call(agent, "crm_plus.crm_surveys.api.get_questions", invitation=inv.name)
		)
		self.assertEqual(len(questions), 6)
		name = self.message(self.call(agent, RECORD, invitation=inv.name, answers=survey_answers(nps="3")))
		self.assertEqual(self.responses_of(inv.name), [name])
		response = frappe.get_doc("CRM Survey Response", name)
		self.assertEqual((response.customer, response.unhappy), (self.org.c_a1, 1))
		self.assertEqual(frappe.db.get_value("CRM Complaint", response.follow_up, "handler"), self.org.rep_a1)
		# Twice is refused.
		again = self.call(agent, RECORD, invitation=inv.name, answers=survey_answers())
		self.assertEqual(again.status_code, 417, again.text)
		self.assertEqual(len(self.responses_of(inv.name)), 1)

	def test_others_may_not_record_answers(self):
		inv_a = self.invite(self.org.c_a2)
		inv_b = self.invite(self.org.c_b)
		# A sales rep of division B, for a customer of division A.
		rep_b = self.login(self.org.rep_b)
		response = self.call(rep_b, RECORD, invitation=inv_a.name, answers=survey_answers())
		self.assertEqual(response.status_code, 403, response.text)
		# The agent serves division A only.
		agent = self.login(self.org.agent_a)
		response = self.call(agent, RECORD, invitation=inv_b.name, answers=survey_answers())
		self.assertEqual(response.status_code, 403, response.text)
		# An executive reads everything but serves nobody.
		executive = self.login(self.org.executive)
		response = self.call(executive, RECORD, invitation=inv_a.name, answers=survey_answers())
		self.assertEqual(response.status_code, 403, response.text)
		self.assertEqual(self.responses_of(inv_a.name), [])
		self.assertEqual(self.responses_of(inv_b.name), [])

	def test_answers_over_2000_characters_are_refused(self):
		inv = self.invite(self.org.c_a1)
		ids = {q["question"]: q["id"] for q in api.questions_of(TEMPLATE)}
		answers = {**survey_answers(), ids["Anything else you would like to tell us?"]: "x" * 2001}
		result = self.message(self.call(self.login("Guest"), SUBMIT, token=inv.token, answers=answers))
		self.assertEqual(result["state"], "invalid")
		self.assertEqual(list(result["errors"]), [ids["Anything else you would like to tell us?"]])
		self.assertEqual(self.responses_of(inv.name), [])

	def test_one_link_is_rate_limited(self):
		inv = self.invite(self.org.c_a2)
		guest = self.login("Guest")
		codes = [self.call(guest, SUBMIT, token=inv.token, answers={"nope": 1}).status_code for _ in range(6)]
		self.assertEqual(codes[:5], [200] * 5)
		self.assertEqual(codes[5], 429)

	# ------------------------------------------------------------------ round 3: answers of another shape
	def test_a_text_answer_that_is_not_text_is_refused(self):
		"""An object posted as a text answer was stored as its Python repr (`{'a': '<img ...>'}`)."""
		inv = self.invite(self.org.c_a1)
		ids = {q["question"]: q["id"] for q in api.questions_of(TEMPLATE)}
		text = ids["Anything else you would like to tell us?"]
		answers = {**survey_answers(), text: {"a": IMG}}
		result = self.message(self.call(self.login("Guest"), SUBMIT, token=inv.token, answers=answers))
		self.assertEqual(result["state"], "invalid")
		self.assertEqual(result["errors"], {text: "Please answer this question with text"})
		self.assertEqual(self.responses_of(inv.name), [])

	def test_answers_that_are_not_json_get_a_clear_refusal_not_a_server_error(self):
		"""`answers={bad` (form-encoded) answered 500 with a JSONDecodeError and its traceback."""
		inv = self.invite(self.org.c_a2)
		response = self.post(
			self.login("Guest"), f"/api/method/{SUBMIT}", {"token": inv.token, "answers": "{bad"}
		)
		self.assertEqual(response.status_code, 417, response.text[:400])
		self.assertIn("The answers could not be read", response.text)
		self.assertNotIn("JSONDecodeError", response.text)
		self.assertEqual(self.responses_of(inv.name), [])
