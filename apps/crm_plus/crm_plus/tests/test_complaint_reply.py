"""Replying to a complaint as a service agent ("Use" on a suggested solution, issue 22), over HTTP: the
composer gets the customer's address and the signature without reading Email Account, and a reply that
cannot be sent (no outgoing account) is kept on the complaint."""

import frappe
from frappe.utils import random_string

from crm_plus.tests.complaints import make_complaint
from crm_plus.tests.http import HTTPTestCase, refused

REPLY = "crm_plus.crm_complaints.reply"


class TestComplaintReply(HTTPTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.db.set_value("CRM Customer", cls.org.c_a1, "email", "buyer-a1@customer.example")
		cls.complaint = make_complaint(cls.org.c_a1, raised_by="").name
		# The address the complaint came from goes first; this one was logged by phone.
		frappe.db.set_value("CRM Complaint", cls.complaint, "raised_by", "")
		cls.mailed = make_complaint(cls.org.c_a1, raised_by="writer@customer.example").name
		frappe.db.commit()

	def setUp(self):
		super().setUp()
		# The site's own outgoing accounts (Frappe's test records make one) are switched off for the test:
		# each test starts on a site that cannot send, and adds an account where it needs one.
		self.outgoing = frappe.get_all("Email Account", {"enable_outgoing": 1}, pluck="name")
		for name in self.outgoing:
			frappe.db.set_value("Email Account", name, "enable_outgoing", 0)
		frappe.db.commit()
		frappe.local.outgoing_email_account = {}

	def tearDown(self):
		frappe.db.rollback()
		frappe.db.delete("Email Account", {"email_account_name": ("like", "CRM Plus Reply Tests%")})
		frappe.db.delete("Comment", {"reference_doctype": "CRM Complaint", "reference_name": self.complaint})
		for name in self.outgoing:
			frappe.db.set_value("Email Account", name, "enable_outgoing", 1)
		frappe.db.commit()
		frappe.local.outgoing_email_account = {}
		super().tearDown()

	def context(self, user, complaint):
		response = self.call(self.login(user), f"{REPLY}.reply_context", complaint=complaint)
		self.assertEqual(response.status_code, 200, response.text[:300])
		return response.json["message"]

	def test_the_agent_may_not_read_email_accounts_so_the_composer_asks_the_server(self):
		agent = self.login(self.org.agent_a)
		# What Frappe's composer does for the signature, refused for the agent ("Not permitted").
		listed = self.call(agent, "frappe.client.get_list", http="GET", doctype="Email Account")
		self.assertTrue(refused(listed), listed.status_code)
		context = self.context(self.org.agent_a, self.complaint)
		self.assertEqual(context["recipients"], "buyer-a1@customer.example")
		self.assertEqual(self.context(self.org.agent_a, self.mailed)["recipients"], "writer@customer.example")
		self.assertFalse(context["can_send"])
		self.assertEqual(context["signature"], "")

	def test_with_an_outgoing_account_the_composer_sends_and_signs(self):
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": "CRM Plus Reply Tests " + random_string(5),
				"email_id": "service-desk@test.example",
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"smtp_server": "localhost",
				"no_smtp_authentication": 1,
				"add_signature": 1,
				"signature": "Service desk",
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		context = self.context(self.org.agent_a, self.complaint)
		self.assertTrue(context["can_send"])
		self.assertEqual(context["signature"], "Service desk")
		# The password, server and login of the account stay out of the answer.
		self.assertEqual(set(context), {"recipients", "can_send", "signature"})

	def test_a_reply_that_cannot_be_sent_is_kept_on_the_complaint(self):
		agent = self.login(self.org.agent_a)
		sent = self.call(
			agent,
			"frappe.core.doctype.communication.email.make",
			doctype="CRM Complaint",
			name=self.complaint,
			recipients="buyer-a1@customer.example",
			subject="Re: late",
			content="<p>We resend the parcel today.</p>",
			send_email=1,
		)
		self.assertEqual(sent.status_code, 501)  # Frappe's answer without an account: the text is gone
		kept = self.call(
			agent,
			f"{REPLY}.keep_reply",
			complaint=self.complaint,
			recipients="buyer-a1@customer.example",
			subject="Re: <b>late</b>",
			content="<p>We resend the parcel today.</p><script>alert(1)</script>",
		)
		self.assertEqual(kept.status_code, 200, kept.text[:300])
		content = self.fresh().get_value("Comment", kept.json["message"], "content")
		self.assertIn("We resend the parcel today.", content)
		self.assertIn("buyer-a1@customer.example", content)
		self.assertNotIn("<script>", content)
		self.assertNotIn("<b>late</b>", content)

	def test_only_who_may_answer_the_complaint_gets_its_address_or_keeps_a_reply(self):
		rep_b = self.login(self.org.rep_b)
		self.assertTrue(refused(self.call(rep_b, f"{REPLY}.reply_context", complaint=self.complaint)))
		kept = self.call(rep_b, f"{REPLY}.keep_reply", complaint=self.complaint, content="<p>x</p>")
		self.assertTrue(refused(kept))
		self.assertFalse(
			self.fresh().exists("Comment", {"reference_name": self.complaint, "comment_type": "Comment"})
		)
