"""The customer closes the loop and complains without a login, walked over HTTP by their actors: an
agent resolves a complaint and the customer (Guest) gets a link by email, confirms and rates, or says
it is not solved and the complaint reopens; used, expired, unknown and reopened links are refused with
a sentence; staff cannot type the answer of Email and Web complaints; the public form creates a Web
complaint, matched to a customer without telling the guest anything; hostile input and floods are
refused with clear messages."""

import frappe
from frappe.tests.test_api import make_request
from frappe.utils import add_days, add_to_date, now_datetime, random_string

from crm_plus.crm_complaints import feedback
from crm_plus.tests.http import HTTPTestCase, refused
from crm_plus.tests.names import COMPLAINT_FORM as COMPLAIN
from crm_plus.tests.names import FEEDBACK_PAGE as PAGE
from crm_plus.tests.names import FEEDBACK_SUBMIT as SUBMIT
from crm_plus.tests.names import IMG, SCRIPT
from crm_plus.tests.utils import make_contact, random_ip


class FeedbackCase(HTTPTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.email_account = "CRM Plus Feedback Tests " + random_string(5)
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": cls.email_account,
				"email_id": "crm-feedback-tests@test.example",
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"smtp_server": "localhost",
				"no_smtp_authentication": 1,
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		cls.addClassCleanup(cls._remove_email_account)

	@classmethod
	def _remove_email_account(cls):
		frappe.db.rollback()
		frappe.db.delete("Email Account", {"name": cls.email_account})
		frappe.db.commit()
		frappe.local.outgoing_email_account = {}

	def setUp(self):
		super().setUp()
		# Rate-limit counters of earlier tests and runs (Redis) must not refuse this test's requests.
		frappe.cache.delete_keys("rl:crm_plus.crm_complaints")
		frappe.cache.delete_keys("crm_plus:rl:")

	def message(self, response):
		self.assertEqual(response.status_code, 200, response.text)
		return response.json["message"]

	def complaint(self, customer=None, channel="Web", **fields):
		"""A committed complaint, as logged by the system."""
		doc = frappe.get_doc(
			{
				"doctype": "CRM Complaint",
				"customer": customer,
				"channel": channel,
				"received_at": add_days(now_datetime(), -1),
				"severity": "Medium",
				"subject": fields.pop("subject", "Parcel arrived late"),
				"description": "The parcel came three days late.",
				**fields,
			}
		)
		doc.flags.ignore_permissions = True
		doc.insert()
		frappe.db.commit()
		if not customer:
			self.created("CRM Complaint", doc.name)
		return doc

	def resolve(self, user, name, resolution="We refunded the shipping fee."):
		response = self.put(
			self.login(user),
			f"/api/resource/CRM Complaint/{name}",
			{"status": "Resolved", "resolution": resolution},
		)
		self.assertEqual(response.status_code, 200, response.text)
		self.fresh()
		return frappe.get_doc("CRM Complaint", name)

	def token_of(self, name) -> str:
		self.fresh()
		return frappe.db.get_value("CRM Complaint", name, "feedback_token")

	def page(self, client, token, ip=None):
		return make_request(
			client.get,
			(PAGE,),
			{"query_string": {"token": token}, "headers": {"X-Forwarded-For": ip or random_ip()}},
		)


class TestFeedbackLink(FeedbackCase):
	def test_resolving_mails_a_link_and_the_customer_confirms_and_rates(self):
		doc = self.complaint(self.org.c_a1, raised_by="buyer@test.example")
		resolved = self.resolve(self.org.agent_a, doc.name)
		self.assertTrue(resolved.feedback_token)
		self.assertIn(f"/complaint-feedback?token={resolved.feedback_token}", resolved.feedback_link)
		self.assertGreater(resolved.feedback_expires_at, now_datetime())
		# The customer's email, queued with the complaint as its reference.
		queued = frappe.db.sql(
			"""select q.message from `tabEmail Queue` q join `tabEmail Queue Recipient` r on r.parent = q.name
			where q.reference_doctype = 'CRM Complaint' and q.reference_name = %s and r.recipient = %s""",
			(doc.name, "buyer@test.example"),
		)
		self.assertEqual(len(queued), 1)
		self.assertIn(resolved.feedback_token, queued[0][0])

		guest = self.login("Guest")
		page = self.page(guest, resolved.feedback_token)
		self.assertEqual(page.status_code, 200)
		self.assertIn("Parcel arrived late", page.text)
		self.assertIn('id="crm-feedback-form"', page.text)
		result = self.message(
			self.call(guest, SUBMIT, token=resolved.feedback_token, resolved=1, rating=4, comment=SCRIPT)
		)
		self.assertEqual(result, {"ok": True, "state": "answered"})
		self.fresh()
		after = frappe.get_doc("CRM Complaint", doc.name)
		self.assertEqual((after.customer_confirmed, after.rating, after.status), (1, 4, "Resolved"))
		self.assertTrue(after.feedback_at)
		self.assertNotIn("<script", after.feedback_comment or "")

		# One use: the link is refused afterwards, on the page and in the method, and stores nothing.
		again = self.message(self.call(guest, SUBMIT, token=resolved.feedback_token, resolved=0, rating=1))
		self.assertEqual(again, {"ok": False, "state": "used"})
		page = self.page(guest, resolved.feedback_token)
		self.assertIn('data-state="used"', page.text)
		self.assertNotIn('id="crm-feedback-form"', page.text)
		self.fresh()
		self.assertEqual(
			frappe.db.get_value("CRM Complaint", doc.name, ["rating", "status"]), (4, "Resolved")
		)

	def test_not_resolved_reopens_the_complaint_and_alerts_its_handler(self):
		doc = self.complaint(self.org.c_a1, handler=self.org.agent_a)
		token = self.resolve(self.org.agent_a, doc.name).feedback_token
		result = self.message(
			self.call(self.login("Guest"), SUBMIT, token=token, resolved=0, comment="Still broken")
		)
		self.assertEqual(result, {"ok": True, "state": "reopened"})
		self.fresh()
		after = frappe.get_doc("CRM Complaint", doc.name)
		self.assertEqual((after.status, after.reopen_count, after.customer_confirmed), ("Reopened", 1, 0))
		self.assertIsNone(after.resolved_at)
		# The resolution clock runs again (the existing rules: an open complaint is not Met).
		self.assertIn(after.sla_status, ("On Track", "At Risk", "Breached"))
		self.assertEqual(after.feedback_comment, "Still broken")
		self.assertTrue(
			frappe.db.exists(
				"Notification Log", {"for_user": self.org.agent_a, "document_name": doc.name, "type": "Alert"}
			)
		)
		# Resolved again: a fresh link; the old one stays refused.
		again = self.resolve(self.org.agent_a, doc.name, "Replaced the part.")
		self.assertNotEqual(again.feedback_token, token)
		self.assertIsNone(again.feedback_at)
		self.assertEqual(
			self.message(self.call(self.login("Guest"), SUBMIT, token=token, resolved=1, rating=5))["state"],
			"forged",
		)

	def test_expired_unknown_and_reopened_links_store_nothing_and_say_why(self):
		guest = self.login("Guest")
		doc = self.complaint(self.org.c_a2)
		token = self.resolve(self.org.agent_a, doc.name).feedback_token
		frappe.db.set_value("CRM Complaint", doc.name, "feedback_expires_at", add_days(now_datetime(), -1))
		frappe.db.commit()
		self.assertEqual(
			self.message(self.call(guest, SUBMIT, token=token, resolved=1, rating=5))["state"], "expired"
		)
		self.assertIn('data-state="expired"', self.page(guest, token).text)
		for forged in ("", "nope", token.swapcase(), token + " ", "x" * 500):
			self.assertEqual(
				self.message(self.call(guest, SUBMIT, token=forged, resolved=1, rating=5))["state"], "forged"
			)
		page = self.page(guest, token.swapcase())
		self.assertEqual(page.status_code, 200)
		self.assertIn('data-state="forged"', page.text)
		self.assertNotIn("Parcel arrived late", page.text)
		# Staff reopened it meanwhile: the link no longer applies.
		other = self.complaint(self.org.c_a2)
		token = self.resolve(self.org.agent_a, other.name).feedback_token
		response = self.put(
			self.login(self.org.agent_a), f"/api/resource/CRM Complaint/{other.name}", {"status": "Reopened"}
		)
		self.assertEqual(response.status_code, 200, response.text)
		self.assertEqual(
			self.message(self.call(guest, SUBMIT, token=token, resolved=1, rating=5))["state"], "closed"
		)
		self.fresh()
		for name in (doc.name, other.name):
			self.assertEqual(frappe.db.get_value("CRM Complaint", name, ["rating", "feedback_at"]), (0, None))

	def test_the_answer_is_checked_and_the_page_escapes_stored_text(self):
		guest = self.login("Guest")
		doc = self.complaint(self.org.c_a1)
		token = self.resolve(self.org.agent_a, doc.name).feedback_token
		for args, field in (
			({"resolved": 1}, "rating"),
			({"resolved": 1, "rating": 6}, "rating"),
			({"resolved": "maybe", "rating": 3}, "resolved"),
			({"resolved": 1, "rating": 3, "comment": "x" * 2001}, "comment"),
		):
			result = self.message(self.call(guest, SUBMIT, token=token, **args))
			self.assertEqual(result["state"], "invalid", args)
			self.assertIn(field, result["errors"], args)
		# Text that reached the database without the sanitiser (an import, an old record) is escaped.
		frappe.db.set_value("CRM Complaint", doc.name, {"subject": IMG, "resolution": SCRIPT})
		frappe.db.commit()
		page = self.page(guest, token)
		self.assertNotIn(IMG, page.text)
		self.assertNotIn(SCRIPT, page.text)
		self.assertIn("&lt;img src=x onerror=alert(1)&gt;", page.text)

	def test_links_and_the_page_are_rate_limited(self):
		guest = self.login("Guest")
		doc = self.complaint(self.org.c_a1)
		token = self.resolve(self.org.agent_a, doc.name).feedback_token
		codes = [self.call(guest, SUBMIT, token=token, resolved="?").status_code for _ in range(6)]
		self.assertEqual(codes, [200] * 5 + [429])
		ip = random_ip()
		codes = [self.page(guest, "forged-" + str(i), ip).status_code for i in range(61)]
		self.assertEqual(codes[:60], [200] * 60)
		self.assertEqual(codes[60], 429)
		# Another address is not refused.
		self.assertEqual(self.page(guest, "forged", random_ip()).status_code, 200)

	def test_staff_cannot_type_the_answer_of_web_and_email_complaints(self):
		agent = self.login(self.org.agent_a)
		for channel in ("Web", "Email"):
			doc = self.complaint(self.org.c_a1, channel=channel)
			response = self.put(
				agent, f"/api/resource/CRM Complaint/{doc.name}", {"rating": 5, "customer_confirmed": 1}
			)
			self.assertEqual(response.status_code, 200, response.text)
			response = self.set_value(agent, "CRM Complaint", doc.name, "rating", 5)
			self.assertEqual(response.status_code, 200, response.text)
			self.fresh()
			self.assertEqual(
				frappe.db.get_value("CRM Complaint", doc.name, ["rating", "customer_confirmed"]), (0, 0)
			)
		# The phone keeps the agent-entered path.
		doc = self.complaint(self.org.c_a1, channel="Hotline")
		response = self.put(
			agent, f"/api/resource/CRM Complaint/{doc.name}", {"rating": 5, "customer_confirmed": 1}
		)
		self.assertEqual(response.status_code, 200, response.text)
		self.fresh()
		self.assertEqual(
			frappe.db.get_value("CRM Complaint", doc.name, ["rating", "customer_confirmed"]), (5, 1)
		)

	def test_the_page_shows_nothing_of_another_complaint_to_a_rep_or_a_guest(self):
		doc = self.complaint(self.org.c_a1, subject="Secret of division A")
		token = self.resolve(self.org.agent_a, doc.name).feedback_token
		for user in (self.org.rep_b, "Guest"):
			client = self.login(user)
			for forged in (token.upper(), token[:-1], ""):
				page = self.page(client, forged)
				self.assertEqual(page.status_code, 200)
				self.assertNotIn("Secret of division A", page.text)
				self.assertNotIn(doc.name, page.text)
		# A guest reads no complaint through the API, with or without the link.
		guest = self.login("Guest")
		self.assertTrue(refused(self.resource(guest, "CRM Complaint", doc.name)))
		self.assertTrue(
			refused(self.call(guest, "frappe.client.get", doctype="CRM Complaint", name=doc.name))
		)

	def test_the_link_is_one_function_for_the_mail_helper(self):
		# No address: nothing is sent, the link stays for staff to read out.
		doc = self.complaint(self.org.c_b)
		frappe.db.set_value("CRM Customer", self.org.c_b, "email", None)
		doc.reload()
		doc.status, doc.resolution = "Resolved", "Done"
		doc.flags.ignore_permissions = True
		doc.save()
		self.assertTrue(doc.feedback_link)
		self.assertFalse(feedback.send_feedback_link(doc.name))
		frappe.db.set_value("CRM Complaint", doc.name, "raised_by", "b-buyer@test.example")
		self.assertTrue(feedback.send_feedback_link(doc.name))
		frappe.db.rollback()


class TestPublicComplaintForm(FeedbackCase):
	def complain(self, ip=None, **fields):
		values = {
			"full_name": "Li Wei",
			"email": f"li.{random_string(6)}@test.example",
			"phone": "+86 21 5555 0101",
			"subject": "Wrong item delivered",
			"description": "I ordered blue,\nI received red.",
			**fields,
		}
		response = make_request(
			self.login("Guest").post,
			(f"/api/method/{COMPLAIN}",),
			{"data": values, "headers": {"X-Forwarded-For": ip or random_ip()}},
		)
		return response

	def created_complaint(self, response):
		result = self.message(response)
		self.assertEqual(set(result), {"ok", "complaint"}, result)
		self.fresh()
		doc = frappe.get_doc("CRM Complaint", result["complaint"])
		if not doc.customer:
			self.created("CRM Complaint", doc.name)
		return doc

	def test_a_guest_complains_and_gets_the_number(self):
		page = make_request(self.login("Guest").get, ("/complaint",), {})
		self.assertEqual(page.status_code, 200)
		self.assertIn('id="crm-complaint-form"', page.text)
		doc = self.created_complaint(self.complain(category="Delivery Delay"))
		self.assertEqual(
			(doc.channel, doc.status, doc.category, doc.raised_by_name, doc.customer),
			("Web", "New", "Delivery Delay", "Li Wei", None),
		)
		self.assertEqual(doc.description, "I ordered blue,<br>I received red.")
		self.assertTrue(doc.response_by)  # the SLA clocks run from the start
		# The guest reads nothing back, not even their own complaint.
		self.assertTrue(refused(self.resource(self.login("Guest"), "CRM Complaint", doc.name)))

	def test_an_exact_contact_match_links_the_customer_and_tells_the_guest_nothing(self):
		email = f"buyer.{random_string(6)}@test.example"
		contact = make_contact(self.org.c_a1, "Buyer", email=email)
		frappe.db.commit()
		self.addCleanup(lambda: (frappe.delete_doc("Contact", contact.name, force=True), frappe.db.commit()))
		matched = self.complain(email=email)
		unknown = self.complain(email=f"nobody.{random_string(6)}@test.example")
		# The same answer, matched or not.
		self.assertEqual(set(matched.json["message"]), set(unknown.json["message"]))
		self.assertEqual(
			(self.created_complaint(matched).customer, self.created_complaint(matched).contact),
			(self.org.c_a1, contact.name),
		)
		self.assertIsNone(self.created_complaint(unknown).customer)
		# Near misses match nothing.
		self.assertIsNone(self.created_complaint(self.complain(email="x" + email)).customer)

	def test_hostile_input_is_refused_or_stored_as_text(self):
		result = self.message(
			self.complain(full_name=IMG, subject=IMG, email=f"{SCRIPT}@x.example", phone=SCRIPT)
		)
		self.assertFalse(result["ok"])
		self.assertEqual(set(result["errors"]), {"full_name", "subject", "email", "phone"})
		self.assertEqual(result["errors"]["full_name"], frappe._("Please fill in this field"))
		doc = self.created_complaint(
			self.complain(full_name=f"<b>Li</b> {SCRIPT}", subject=f"Late {IMG}", description=SCRIPT + IMG)
		)
		self.assertEqual((doc.raised_by_name, doc.subject), ("Li alert(1)", "Late"))
		self.assertNotIn("<script", doc.description)
		self.assertNotIn("<img", doc.description)
		self.assertIn("&lt;script&gt;", doc.description)
		huge = self.message(self.complain(description="x" * 5001, subject="y" * 141))
		self.assertEqual(set(huge["errors"]), {"description", "subject"})
		missing = self.message(self.complain(full_name="", email="", subject="", description=""))
		self.assertEqual(set(missing["errors"]), {"full_name", "email", "subject", "description"})
		bad = self.message(self.complain(category="All Categories"))
		self.assertEqual(set(bad["errors"]), {"category"})
		self.assertEqual(
			self.message(self.complain(email="not an email"))["errors"]["email"],
			frappe._("Please enter a valid email address"),
		)

	def test_one_address_is_rate_limited(self):
		ip = random_ip()
		codes = [self.complain(ip=ip, description="").status_code for _ in range(11)]
		self.assertEqual(codes, [200] * 10 + [429])
		self.assertEqual(self.complain(ip=random_ip(), description="").status_code, 200)

	def test_the_whole_form_is_capped_whatever_address_a_guest_claims(self):
		# X-Forwarded-For is the guest's to write when no proxy overwrites it: the site-wide cap holds.
		old = frappe.db.get_single_value("CRM Plus Settings", "web_complaints_per_hour")
		self.addCleanup(
			lambda: (
				frappe.db.set_single_value("CRM Plus Settings", "web_complaints_per_hour", old),
				frappe.db.commit(),
			)
		)
		taken = frappe.db.count(
			"CRM Complaint",
			{"channel": "Web", "owner": "Guest", "creation": (">", add_to_date(now_datetime(), hours=-1))},
		)
		frappe.db.set_single_value("CRM Plus Settings", "web_complaints_per_hour", taken + 1)
		frappe.db.commit()
		self.created_complaint(self.complain(ip=random_ip()))
		refused_one = self.complain(ip=random_ip())
		self.assertEqual(refused_one.status_code, 429, refused_one.text)
		self.assertIn("no more complaints this hour", refused_one.text)
