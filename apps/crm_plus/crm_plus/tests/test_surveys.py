"""Surveys on a real site: sampling campaigns, the public page (valid, expired, used, forged tokens,
bad answers), agents' answers, scoring, the unhappy follow-up, and permissions."""

import frappe
from frappe.utils import add_days, now_datetime

from crm_plus.crm_surveys import api
from crm_plus.tests.utils import CRMTestCase, Org, make_customer

TEMPLATE = "Customer Satisfaction"


class TestSurveys(CRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.org = Org()
		cls.region = (
			frappe.get_doc(
				{
					"doctype": "CRM Region",
					"region_name": f"Hebei {cls.org.suffix}",
					"parent_crm_region": "All Regions",
				}
			)
			.insert()
			.name
		)
		for name in (cls.org.c_a1, cls.org.c_a2, cls.org.c_b):
			frappe.db.set_value(
				"CRM Customer", name, {"region": cls.region, "email": f"{name.lower()}@example.com"}
			)
		cls.campaign = frappe.get_doc(
			{
				"doctype": "CRM Survey Campaign",
				"campaign_name": f"Q4 satisfaction {cls.org.suffix}",
				"template": TEMPLATE,
				"filter_region": cls.region,
				"seed": 7,
			}
		).insert()
		cls.invited = cls.campaign.start()

	def invitation(self, customer):
		return frappe.get_doc("CRM Survey Invitation", {"campaign": self.campaign.name, "customer": customer})

	def answers(self, delivery="5", staff="4", nps="9"):
		ids = {q["question"]: q["id"] for q in api.questions_of(TEMPLATE)}
		return {
			ids["How satisfied are you with our delivery times?"]: delivery,
			ids["How satisfied are you with our service staff?"]: staff,
			ids["How likely are you to recommend us to a friend or colleague?"]: nps,
			ids["What should we improve first?"]: "Delivery speed",
		}

	def test_campaign_invites_every_filtered_customer_once_with_unguessable_links(self):
		self.assertEqual(self.invited, 3)
		invitations = frappe.get_all(
			"CRM Survey Invitation", {"campaign": self.campaign.name}, ["token", "status", "survey_link"]
		)
		self.assertEqual(len(invitations), 3)
		self.assertEqual(len({i.token for i in invitations}), 3)
		self.assertTrue(all(len(i.token) >= 40 and i.token in i.survey_link for i in invitations))
		# Without an outgoing email account the links wait, listed, for agents to send or phone.
		expected = "Sent" if frappe.db.exists("Email Account", {"default_outgoing": 1}) else "Pending"
		self.assertTrue(all(i.status == expected for i in invitations))
		self.assertEqual(self.campaign.start(), 0)  # inviting again adds nobody

	def test_sampling_is_reproducible(self):
		customers = [
			make_customer(region=self.region, account_manager=self.org.rep_a1).name for _ in range(6)
		]
		picks = []
		for run in range(2):
			campaign = frappe.get_doc(
				{
					"doctype": "CRM Survey Campaign",
					"campaign_name": f"Sample {self.org.suffix} {run}",
					"template": TEMPLATE,
					"filter_region": self.region,
					"sample_size": 4,
					"seed": 11,
				}
			).insert()
			campaign.start()
			picks.append(
				set(frappe.get_all("CRM Survey Invitation", {"campaign": campaign.name}, pluck="customer"))
			)
		self.assertEqual(len(picks[0]), 4)
		self.assertEqual(picks[0], picks[1])
		self.assertTrue(picks[0] <= {*customers, self.org.c_a1, self.org.c_a2, self.org.c_b})

	def test_public_page_and_a_happy_answer(self):
		inv = self.invitation(self.org.c_a1)
		frappe.set_user("Guest")
		frappe.local.form_dict = frappe._dict(token=inv.token)
		context = frappe._dict()
		from crm_plus.www.survey import get_context

		get_context(context)
		self.assertEqual(context.state, "valid")
		self.assertEqual(len(context.questions), 6)
		self.assertEqual(frappe.db.get_value("CRM Survey Invitation", inv.name, "status"), "Opened")
		result = api.submit(inv.token, self.answers())
		self.assertTrue(result["ok"], result)
		frappe.set_user("Administrator")
		response = frappe.get_doc("CRM Survey Response", result["response"])
		self.assertEqual(
			(response.average_score, response.csat, response.nps_score, response.unhappy), (4.5, 100, 9, 0)
		)
		# The response remembers the rep who served the customer then (the performance report's key).
		self.assertEqual(response.account_manager, self.org.rep_a1)
		self.assertEqual(frappe.db.get_value("CRM Customer", self.org.c_a1, "latest_survey_score"), 4.5)
		campaign = frappe.get_doc("CRM Survey Campaign", self.campaign.name)
		self.assertEqual((campaign.invited, campaign.answered), (3, 1))
		self.assertEqual(campaign.nps, 100)
		# The same link cannot answer twice.
		frappe.set_user("Guest")
		self.assertEqual(api.submit(inv.token, self.answers()), {"ok": False, "state": "used"})

	def test_expired_and_forged_links_store_nothing(self):
		inv = self.invitation(self.org.c_a2)
		frappe.db.set_value("CRM Survey Invitation", inv.name, "expires_at", add_days(now_datetime(), -1))
		before = frappe.db.count("CRM Survey Response")
		frappe.set_user("Guest")
		self.assertEqual(api.submit(inv.token, self.answers())["state"], "expired")
		self.assertEqual(api.submit("forged-" + inv.token[7:], self.answers())["state"], "forged")
		self.assertEqual(api.submit("", self.answers())["state"], "forged")
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.count("CRM Survey Response"), before)

	def test_bad_answers_are_refused_with_messages(self):
		inv = self.invitation(self.org.c_b)
		frappe.set_user("Guest")
		bad = self.answers(delivery="7", nps="")
		result = api.submit(inv.token, bad)
		self.assertEqual(result["state"], "invalid")
		self.assertEqual(len(result["errors"]), 2)
		frappe.set_user("Administrator")
		self.assertFalse(frappe.db.get_value("CRM Survey Invitation", inv.name, "answered_at"))

	def test_unhappy_answer_opens_a_complaint_for_the_owner(self):
		inv = self.invitation(self.org.c_b)
		self.as_user(self.org.agent_a)  # division A only: may not record for a division B customer
		with self.assertRaises(frappe.PermissionError):
			api.record_answers(inv.name, self.answers(delivery="1", staff="2", nps="3"))
		self.as_user("Administrator")
		response = frappe.get_doc(
			"CRM Survey Response",
			api.record_answers(inv.name, self.answers(delivery="1", staff="2", nps="3")),
		)
		self.assertEqual(response.unhappy, 1)
		complaint = frappe.get_doc("CRM Complaint", response.follow_up)
		self.assertEqual(
			(complaint.customer, complaint.channel, complaint.handler),
			(self.org.c_b, "Survey", self.org.rep_b),
		)
		self.assertEqual(complaint.severity, "High")

	def test_responses_follow_customer_permissions(self):
		inv = self.invitation(self.org.c_a2)
		frappe.db.set_value("CRM Survey Invitation", inv.name, "expires_at", add_days(now_datetime(), 5))
		name = api.record_answers(inv.name, self.answers())
		self.as_user(self.org.rep_a2)
		self.assertIn(name, frappe.get_list("CRM Survey Response", pluck="name"))
		self.as_user(self.org.rep_b)
		self.assertNotIn(name, frappe.get_list("CRM Survey Response", pluck="name"))
		self.assertFalse(frappe.has_permission("CRM Survey Response", "read", name))
		self.assertNotIn(inv.name, frappe.get_list("CRM Survey Invitation", pluck="name"))
