"""Surveys on a real site: a supervisor's campaign, the public page (valid, expired, used, forged tokens,
bad answers), scoring and permissions walked over HTTP (agents' answers and the unhappy follow-up:
test_survey_journeys; the campaign's sampling: crm_surveys/doctype/crm_survey_campaign)."""

import json

import frappe
from frappe.tests.test_api import make_request
from frappe.utils import add_days, get_test_client, now_datetime

from crm_plus.crm_surveys import api
from crm_plus.tests.http import HTTPTestCase
from crm_plus.tests.names import SURVEY_SUBMIT as SUBMIT
from crm_plus.tests.names import SURVEY_TEMPLATE as TEMPLATE
from crm_plus.tests.utils import PASSWORD, division_supervisor


def answers(delivery="5", staff="4", nps="9"):
	"""Answers to the satisfaction template's questions, by question id (also test_survey_journeys')."""
	ids = {q["question"]: q["id"] for q in api.questions_of(TEMPLATE)}
	return {
		ids["How satisfied are you with our delivery times?"]: delivery,
		ids["How satisfied are you with our service staff?"]: staff,
		ids["How likely are you to recommend us to a friend or colleague?"]: nps,
		ids["What should we improve first?"]: "Delivery speed",
	}


class TestSurveyCampaignJourneys(HTTPTestCase):
	"""A service supervisor starts a campaign from its form, a customer (Guest) answers on the public
	page, reps read the answers of their own customers only: over HTTP."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.supervisor = division_supervisor(cls.org.div_a)  # serves division A
		region = frappe.get_doc(
			{
				"doctype": "CRM Region",
				"region_name": f"Hebei {cls.org.suffix}",
				"parent_crm_region": "All Regions",
			}
		).insert()
		cls.region = cls.created("CRM Region", region.name)
		for name in cls.org.all_customers:
			frappe.db.set_value(
				"CRM Customer", name, {"region": cls.region, "email": f"{name.lower()}@example.com"}
			)
		frappe.db.commit()
		# The supervisor makes the campaign and starts it, as the form's Start button does.
		client = cls._login_once(cls.supervisor)
		response = make_request(
			client.post,
			("/api/resource/CRM Survey Campaign",),
			{
				"data": {
					"data": json.dumps(
						{
							"campaign_name": f"Q4 satisfaction {cls.org.suffix}",
							"template": TEMPLATE,
							"filter_region": cls.region,
							"seed": 7,
						}
					)
				}
			},
		)
		assert response.status_code == 200, response.text[:400]
		cls.campaign = cls.created("CRM Survey Campaign", response.json["data"]["name"])
		cls.start = make_request(
			client.post,
			("/api/method/run_doc_method",),
			{"data": {"dt": "CRM Survey Campaign", "dn": cls.campaign, "method": "start"}},
		)

	@classmethod
	def _login_once(cls, user):
		client = get_test_client()
		response = make_request(client.post, ("/api/method/login",), {"json": {"usr": user, "pwd": PASSWORD}})
		assert response.status_code == 200, response.text[:300]
		return client

	def invitation(self, customer):
		return self.fresh().get_value(
			"CRM Survey Invitation",
			{"campaign": self.campaign, "customer": customer},
			["name", "token", "status"],
			as_dict=True,
		)

	def test_a_supervisor_invites_every_filtered_customer_of_their_division_once(self):
		# Runs first (by name): the other tests open and answer the links.
		o = self.org
		self.assertEqual(self.start.status_code, 200, self.start.text[:400])
		self.assertEqual(self.start.json["message"], 2)
		invitations = self.fresh().get_all(
			"CRM Survey Invitation",
			{"campaign": self.campaign},
			["customer", "token", "status", "survey_link"],
		)
		# The customers of the region the supervisor may see: division B's customer is not invited.
		self.assertEqual({i.customer for i in invitations}, {o.c_a1, o.c_a2})
		self.assertEqual(len({i.token for i in invitations}), 2)
		self.assertTrue(all(len(i.token) >= 40 and i.token in i.survey_link for i in invitations))
		# Without an outgoing email account the links wait, listed, for agents to send or phone.
		expected = "Sent" if frappe.db.exists("Email Account", {"default_outgoing": 1}) else "Pending"
		self.assertTrue(all(i.status == expected for i in invitations))
		self.assertEqual(self.fresh().get_value("CRM Survey Campaign", self.campaign, "status"), "Running")
		supervisor = self.login(self.supervisor)
		again = self.run_method(supervisor, "CRM Survey Campaign", self.campaign, "start")
		self.assertEqual((again.status_code, again.json["message"]), (200, 0))  # inviting again adds nobody
		# A sales rep cannot start a campaign.
		response = self.run_method(self.login(self.org.rep_a1), "CRM Survey Campaign", self.campaign, "start")
		self.assertEqual(response.status_code, 403, response.text[:300])
		self.assertEqual(self.fresh().count("CRM Survey Invitation", {"campaign": self.campaign}), 2)

	def test_the_customer_opens_the_page_and_answers_happily(self):
		o = self.org
		inv = self.invitation(o.c_a1)
		guest = self.login("Guest")
		page = self.get(guest, "/survey", {"token": inv.token})
		self.assertEqual(page.status_code, 200, page.text[:300])
		self.assertIn('id="crm-survey-form"', page.text)
		self.assertEqual(self.invitation(o.c_a1).status, "Opened")
		response = self.call(guest, SUBMIT, token=inv.token, answers=answers())
		self.assertEqual(response.status_code, 200, response.text[:400])
		result = response.json["message"]
		self.assertTrue(result["ok"], result)
		db = self.fresh()
		stored = db.get_value(
			"CRM Survey Response",
			result["response"],
			["average_score", "csat", "nps_score", "unhappy", "account_manager", "customer"],
			as_dict=True,
		)
		self.assertEqual(
			(stored.average_score, stored.csat, stored.nps_score, stored.unhappy, stored.customer),
			(4.5, 100, 9, 0, o.c_a1),
		)
		# The response remembers the rep who served the customer then (the performance report's key).
		self.assertEqual(stored.account_manager, o.rep_a1)
		# What follows from the answer runs after it, in a job (or the scheduler's sweep when the job
		# is lost): the customer's latest score and the campaign's progress.
		frappe.db.rollback()
		api.follow_up_pending()
		frappe.db.commit()
		db = self.fresh()
		self.assertEqual(db.get_value("CRM Survey Response", result["response"], "follow_up_pending"), 0)
		self.assertEqual(db.get_value("CRM Customer", o.c_a1, "latest_survey_score"), 4.5)
		self.assertEqual(
			db.get_value("CRM Survey Campaign", self.campaign, ["invited", "answered", "nps"]), (2, 1, 100)
		)
		# The same link cannot answer twice.
		again = self.call(guest, SUBMIT, token=inv.token, answers=answers())
		self.assertEqual(again.json["message"], {"ok": False, "state": "used"})
		# The customer's rep reads the answer; a rep of another division does not.
		rep = self.login(o.rep_a1)
		listed = self.resource(rep, "CRM Survey Response", fields=["name"], limit_page_length=0)
		self.assertIn(result["response"], {r["name"] for r in listed.json["data"]})
		other = self.login(o.rep_b)
		self.assertEqual(self.resource(other, "CRM Survey Response", result["response"]).status_code, 403)
		listed = self.resource(other, "CRM Survey Response", fields=["name"], limit_page_length=0)
		self.assertNotIn(result["response"], {r["name"] for r in listed.json["data"]})
		listed = self.resource(other, "CRM Survey Invitation", fields=["name"], limit_page_length=0)
		self.assertNotIn(inv.name, {r["name"] for r in listed.json.get("data", [])})

	def test_expired_forged_and_bad_answers_store_nothing(self):
		o = self.org
		expired = self.invitation(o.c_a2)
		frappe.db.set_value("CRM Survey Invitation", expired.name, "expires_at", add_days(now_datetime(), -1))
		frappe.db.commit()
		before = self.fresh().count("CRM Survey Response")
		guest = self.login("Guest")

		def state(token, answers):
			response = self.call(guest, SUBMIT, token=token, answers=answers)
			self.assertEqual(response.status_code, 200, response.text[:300])
			return response.json["message"]

		self.assertEqual(state(expired.token, answers())["state"], "expired")
		self.assertEqual(state("forged-" + expired.token[7:], answers())["state"], "forged")
		inv = self.invitation(o.c_a1)
		result = state(inv.token, answers(delivery="7", nps=""))
		self.assertEqual(result["state"], "invalid")
		self.assertEqual(len(result["errors"]), 2)
		self.assertEqual(self.fresh().count("CRM Survey Response"), before)
		self.assertFalse(self.fresh().get_value("CRM Survey Invitation", inv.name, "answered_at"))
