"""Complaints and surveys by email against real mail servers on loopback (tests/mail_servers.py):
a customer's mail goes in over SMTP, Frappe pulls it over IMAP into a complaint, the acknowledgement
and the desk's reply come out through Frappe's email queue and are read from the customer's mailbox.
Skipped, with the reason printed, when the servers cannot be started."""

import base64
import re
import secrets
import unittest
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import make_msgid
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlsplit

import frappe
from frappe.email.queue import flush
from frappe.utils import add_days, now_datetime, random_string

from crm_plus.crm_complaints import feedback
from crm_plus.crm_surveys import api
from crm_plus.crm_surveys import mail as survey_mail
from crm_plus.tests.http import HTTPTestCase
from crm_plus.tests.mail_servers import PASSWORD, MailServers, Unavailable
from crm_plus.tests.names import FEEDBACK_PAGE
from crm_plus.tests.utils import make_contact

DESK = "desk@crm-plus.test"
CUSTOMER = "buyer@customer-a.test"
OTHER = "boss@customer-b.test"
STRANGER = "stranger@nowhere.test"
OWNER = "owner@customer-c.test"
MARKUP = "markup@customer-d.test"
# Addresses of their own: acknowledgements per address and day are bounded.
READER = "reader@customer-d.test"
SENDER_CN = "files@customer-e.test"
ACCOUNT = "CRM Plus Mail Test Desk"
SENT = "CRM Sent Notification"


class TestMailComplaints(HTTPTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		try:
			cls.servers = MailServers(
				[DESK, CUSTOMER, OTHER, STRANGER, OWNER, MARKUP, READER, SENDER_CN]
			).start()
		except Unavailable as e:
			print(f"\nMAIL TESTS SKIPPED: the mail servers could not be started: {e}")
			raise unittest.SkipTest(f"mail servers unavailable: {e}") from e
		cls.addClassCleanup(cls.servers.stop)
		cls.addClassCleanup(cls._remove_mail_records)
		frappe.flags.testing_email = True
		o = cls.org
		cls.contact_a = cls.make_contact(CUSTOMER, o.c_a1)
		cls.contact_b = cls.make_contact(OTHER, o.c_b)
		cls.old_handler = frappe.db.get_single_value("CRM Plus Settings", "email_complaint_handler")
		frappe.db.set_single_value("CRM Plus Settings", "email_complaint_handler", o.agent_a)
		account = frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": ACCOUNT,
				"email_id": DESK,
				"password": PASSWORD,
				"enable_incoming": 1,
				"use_imap": 1,
				"email_server": "127.0.0.1",
				"incoming_port": cls.servers.imap_port,
				"use_ssl": 0,
				"use_starttls": 0,
				"email_sync_option": "ALL",
				"initial_sync_count": "100",
				"imap_folder": [{"folder_name": "INBOX", "append_to": "CRM Complaint"}],
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"smtp_server": "127.0.0.1",
				"smtp_port": cls.servers.smtp_port,
				"no_smtp_authentication": 0,
				"use_tls": 0,
				"use_ssl_for_outgoing": 0,
			}
		).insert(ignore_permissions=True)
		cls.account = account.name
		frappe.db.commit()

	@classmethod
	def make_contact(cls, address: str, customer: str) -> str:
		contact = make_contact(customer, f"Mail {random_string(5)}", email=address)
		cls.created("Contact", contact.name)
		return contact.name

	@classmethod
	def _remove_mail_records(cls):
		frappe.flags.testing_email = False
		frappe.db.rollback()
		frappe.db.set_single_value("CRM Plus Settings", "email_complaint_handler", cls.old_handler)
		# An Email Account left enabled would make every later test send mail.
		frappe.db.delete("IMAP Folder", {"parent": ACCOUNT})
		frappe.db.delete("Email Account", {"name": ACCOUNT})
		complaints = frappe.get_all(
			"CRM Complaint",
			{"raised_by": ("in", [CUSTOMER, OTHER, STRANGER, OWNER, MARKUP, READER, SENDER_CN])},
			pluck="name",
		)
		for name in complaints:
			frappe.db.delete("Communication", {"reference_doctype": "CRM Complaint", "reference_name": name})
			frappe.db.delete("Comment", {"reference_doctype": "CRM Complaint", "reference_name": name})
			frappe.db.delete("File", {"attached_to_doctype": "CRM Complaint", "attached_to_name": name})
			frappe.db.delete("CRM Complaint", {"name": name})
		frappe.db.delete("Communication", {"email_account": ACCOUNT})
		frappe.db.delete(
			SENT, {"recipient": ("in", [CUSTOMER, OTHER, STRANGER, OWNER, MARKUP, READER, SENDER_CN])}
		)
		queues = frappe.get_all("Email Queue", {"sender": ("like", f"%{DESK}%")}, pluck="name")
		if queues:
			frappe.db.delete("Email Queue Recipient", {"parent": ("in", queues)})
			frappe.db.delete("Email Queue", {"name": ("in", queues)})
		frappe.db.commit()
		frappe.local.outgoing_email_account = {}
		frappe.local.incoming_email_account = {}

	# ---------------------------------------------------------------- helpers
	def mail(
		self, sender=CUSTOMER, subject="The pump leaks", body="Water everywhere since Monday.", **headers
	):
		message = EmailMessage()
		message["From"] = sender
		message["To"] = DESK
		if subject is not None:
			message["Subject"] = subject
		message["Message-ID"] = make_msgid(domain="customer.test")
		for name, value in headers.items():
			message[name.replace("_", "-")] = value
		message.set_content(body)
		return message

	def deliver(self, message) -> str:
		"""Send a mail in over SMTP and let Frappe pull the desk's mailbox (its own receive)."""
		self.servers.send(message)
		frappe.get_doc("Email Account", self.account).receive()
		frappe.db.commit()
		return message["Message-ID"].strip("<>")

	def complaint_of(self, message_id: str):
		reference = frappe.db.get_value(
			"Communication", {"message_id": message_id}, ["reference_doctype", "reference_name"], as_dict=True
		)
		self.assertIsNotNone(reference, "the mail was lost: no Communication")
		if reference.reference_doctype != "CRM Complaint":
			return None
		return frappe.get_doc("CRM Complaint", reference.reference_name)

	def inbox(self, user=CUSTOMER) -> list:
		"""The user's mailbox after Frappe's own sender flushed the email queue."""
		frappe.flags.testing_email = True
		flush()
		frappe.db.commit()
		return self.servers.messages(user)

	# ---------------------------------------------------------------- the journey
	def test_mail_opens_complaint_acknowledged_and_desk_reply_continues_thread(self):
		o = self.org
		before = len(self.servers.messages(CUSTOMER))
		first = self.deliver(self.mail())
		complaint = self.complaint_of(first)
		self.assertEqual(complaint.channel, "Email")
		self.assertEqual((complaint.customer, complaint.contact), (o.c_a1, self.contact_a))
		self.assertEqual(complaint.subject, "The pump leaks")
		self.assertIn("Water everywhere since Monday.", complaint.description)
		self.assertEqual(complaint.raised_by, CUSTOMER)
		self.assertTrue(complaint.response_by and complaint.resolution_by, "the SLA runs")
		self.assertFalse(complaint.first_response_at)

		# The acknowledgement, over SMTP into the customer's mailbox, in the customer's thread.
		received = [m for m in self.inbox()[before:] if complaint.name in m["Subject"]]
		self.assertEqual(len(received), 1, [m["Subject"] for m in received])
		ack = received[0]
		self.assertIn(complaint.name, ack.get_body(("html", "plain")).get_content())
		self.assertIn(f"<{first}>", ack["In-Reply-To"])
		self.assertIn(f"<{first}>", ack["References"])

		# The customer answers the acknowledgement: the same complaint, never a second one.
		reply = self.mail(
			subject=f"Re: {ack['Subject']}", body="Photos follow.", In_Reply_To=ack["Message-ID"]
		)
		second = self.deliver(reply)
		self.assertEqual(self.complaint_of(second).name, complaint.name)
		self.assertEqual(
			frappe.db.count("CRM Complaint", {"raised_by": CUSTOMER, "subject": "The pump leaks"}), 1
		)

		# The agent serving division A replies from the form (Frappe's composer posts to make).
		agent = self.login(o.agent_a)
		response = self.call(
			agent,
			"frappe.core.doctype.communication.email.make",
			doctype="CRM Complaint",
			name=complaint.name,
			recipients=CUSTOMER,
			subject=f"Re: The pump leaks (#{complaint.name})",
			content="<p>A technician comes tomorrow.</p>",
			send_email=1,
		)
		self.assertEqual(response.status_code, 200, response.text)
		self.fresh()
		answered = frappe.get_doc("CRM Complaint", complaint.name)
		self.assertTrue(answered.first_response_at, "the desk's reply is the first response")
		self.assertEqual(answered.response_sla_status, "Met")
		desk_reply = [
			m for m in self.inbox()[before:] if "technician" in m.get_body(("html", "plain")).get_content()
		]
		self.assertEqual(len(desk_reply), 1)
		self.assertIn(f"<{first}>", desk_reply[0]["In-Reply-To"])
		self.assertIn(f"<{first}>", desk_reply[0]["References"])

		# The agent resolves it: the customer's mailbox gets the feedback link, in the same thread, and
		# the link from that mail works for the customer without a login.
		response = self.put(
			agent,
			f"/api/resource/CRM Complaint/{complaint.name}",
			{"status": "Resolved", "resolution": "The technician replaced the seal."},
		)
		self.assertEqual(response.status_code, 200, response.text)
		link_mails = [
			m
			for m in self.inbox()[before:]
			if "/complaint-feedback?token=" in m.get_body(("html", "plain")).get_content()
		]
		self.assertEqual(len(link_mails), 1)
		self.assertIn(f"<{first}>", link_mails[0]["In-Reply-To"])
		token = re.search(
			r"/complaint-feedback\?token=([A-Za-z0-9_-]+)",
			link_mails[0].get_body(("html", "plain")).get_content(),
		).group(1)
		guest = self.login("Guest")
		page = self.get(guest, FEEDBACK_PAGE, {"token": token})
		self.assertEqual(page.status_code, 200)
		self.assertIn("The pump leaks", page.text)
		answer = self.call(
			guest, "crm_plus.crm_complaints.feedback.submit", token=token, resolved=1, rating=5
		)
		self.assertEqual(answer.json["message"]["state"], "answered", answer.text)
		self.fresh()
		closed = frappe.get_doc("CRM Complaint", complaint.name)
		self.assertEqual((closed.customer_confirmed, closed.rating), (1, 5))

	def test_unknown_sender_html_only_without_subject(self):
		message = MIMEText(
			"<html><head><style>p{color:red}</style><script>alert('x')</script></head>"
			"<body><p>Order 17 &amp; 18 never <b>arrived</b>.</p></body></html>",
			"html",
			"utf-8",
		)
		message["From"], message["To"] = STRANGER, DESK
		message["Message-ID"] = make_msgid(domain="nowhere.test")
		complaint = self.complaint_of(self.deliver(message))
		self.assertIsNone(complaint.customer, "an unknown sender is linked by an agent")
		self.assertEqual(complaint.handler, self.org.agent_a)
		self.assertIn("Order 17 &amp; 18 never arrived.", complaint.description)
		self.assertNotIn("alert", complaint.description)
		self.assertNotIn("<script", complaint.description)
		self.assertIn(STRANGER, complaint.subject)
		# The service desk's agent sees it and links the customer.
		agent = self.login(self.org.agent_a)
		self.assertEqual(self.resource(agent, "CRM Complaint", complaint.name).status_code, 200)

	def test_chinese_gb2312_mail(self):
		message = MIMEText("水泵漏水，请尽快处理。", "plain", "gb2312")
		message["From"], message["To"] = CUSTOMER, DESK
		message["Subject"] = (
			"=?gb2312?b?" + __import__("base64").b64encode("水泵故障".encode("gb2312")).decode() + "?="
		)
		message["Message-ID"] = make_msgid(domain="customer.test")
		complaint = self.complaint_of(self.deliver(message))
		self.assertEqual(complaint.subject, "水泵故障")
		self.assertIn("水泵漏水，请尽快处理。", complaint.description)

	def test_huge_attachment_is_dropped_with_a_note(self):
		frappe.db.set_single_value("System Settings", "max_file_size", 1)  # MB
		frappe.db.commit()
		self.addCleanup(
			lambda: (frappe.db.set_single_value("System Settings", "max_file_size", 0), frappe.db.commit())
		)
		message = MIMEMultipart()
		message["From"], message["To"], message["Subject"] = CUSTOMER, DESK, "Invoice photos"
		message["Message-ID"] = make_msgid(domain="customer.test")
		message.attach(MIMEText("See the scans attached.", "plain", "utf-8"))
		big = MIMEApplication(b"\0" * (1024 * 1024 + 10), Name="scan.pdf")
		big["Content-Disposition"] = 'attachment; filename="scan.pdf"'
		small = MIMEApplication(b"%PDF small", Name="note.pdf")
		small["Content-Disposition"] = 'attachment; filename="note.pdf"'
		message.attach(big)
		message.attach(small)
		complaint = self.complaint_of(self.deliver(message))
		self.assertIn("See the scans attached.", complaint.description)
		notes = frappe.get_all(
			"Comment",
			{"reference_doctype": "CRM Complaint", "reference_name": complaint.name, "comment_type": "Info"},
			pluck="content",
		)
		self.assertTrue(any("scan.pdf" in n for n in notes), notes)
		self.assertFalse(complaint.first_response_at, "the note is not a staff response")

	def test_forged_sender_of_another_customer_gets_nothing(self):
		before = len(self.servers.messages(OTHER))
		complaint = self.complaint_of(self.deliver(self.mail(sender=OTHER, subject="Refund me")))
		self.assertEqual((complaint.customer, complaint.contact), (self.org.c_b, self.contact_b))
		self.assertFalse(frappe.db.exists("User", OTHER), "a sender gets no login")
		frappe.db.commit()
		queued = frappe.get_all(
			"Email Queue",
			{"reference_doctype": "CRM Complaint", "reference_name": complaint.name},
			pluck="name",
		)
		recipients = frappe.get_all("Email Queue Recipient", {"parent": ("in", queued)}, pluck="recipient")
		self.assertEqual(set(recipients), {OTHER}, "only the sender's own address is answered")
		ack = self.inbox(OTHER)[before:]
		self.assertEqual(len(ack), 1)
		text = ack[0].get_body(("html", "plain")).get_content()
		customer_name = frappe.db.get_value("CRM Customer", self.org.c_b, "customer_name")
		self.assertNotIn(customer_name, text, "the acknowledgement tells nothing about the customer")

	def test_auto_replies_and_bounces_never_answered_nor_lost(self):
		before = len(self.servers.messages(CUSTOMER))
		complaints = frappe.db.count("CRM Complaint")
		out_of_office = self.mail(subject="Out of office", body="I am away.", Auto_Submitted="auto-replied")
		kept = self.deliver(out_of_office)
		self.assertIsNone(self.complaint_of(kept), "an auto-reply opens no complaint")
		listed = self.mail(subject="Newsletter", Precedence="bulk", X_Autoreply="yes")
		self.assertIsNone(self.complaint_of(self.deliver(listed)))
		# A bounce of our own acknowledgement (a delivery report from the mailer daemon).
		report = MIMEMultipart("report", report_type="delivery-status")
		report["From"], report["To"], report["Subject"] = "MAILER-DAEMON@customer-a.test", DESK, "Undelivered"
		report["Message-ID"] = make_msgid(domain="customer-a.test")
		report.attach(MIMEText("Delivery failed.", "plain"))
		self.assertIsNone(self.complaint_of(self.deliver(report)))
		self.assertEqual(frappe.db.count("CRM Complaint"), complaints)
		self.assertEqual(len(self.inbox()[before:]), 0, "nothing mailed back")

	def test_a_subject_naming_another_customers_complaint_opens_a_complaint_of_its_own(self):
		# Subjects are matched when the account itself appends to complaints (not only its IMAP folder).
		frappe.db.set_value("Email Account", self.account, "append_to", "CRM Complaint")
		frappe.db.commit()
		self.addCleanup(
			lambda: (
				frappe.db.set_value("Email Account", self.account, "append_to", None),
				frappe.db.commit(),
			)
		)
		complaint = self.complaint_of(self.deliver(self.mail(sender=OWNER, subject="Broken valve")))
		self.assertEqual(complaint.raised_by, OWNER)
		hijack = self.mail(
			sender=STRANGER, subject=f"Re: Broken valve (#{complaint.name})", body="Refund to me"
		)
		other = self.complaint_of(self.deliver(hijack))
		self.assertNotEqual(other.name, complaint.name, "an outsider's mail never joins the complaint")
		self.assertEqual(other.raised_by, STRANGER)
		self.assertFalse(
			frappe.db.exists(
				"Communication",
				{"reference_name": complaint.name, "sender": ("like", f"%{STRANGER}%")},
			)
		)
		# The customer's own mail naming it still joins it.
		again = self.mail(sender=OWNER, subject=f"Re: Broken valve (#{complaint.name})", body="Still broken")
		self.assertEqual(self.complaint_of(self.deliver(again)).name, complaint.name)

	def test_acknowledgements_per_address_are_bounded(self):
		before = len(self.servers.messages(STRANGER))
		for n in range(5):
			self.deliver(self.mail(sender=STRANGER, subject=f"Loop {n} {random_string(4)}"))
		acks = len(self.inbox(STRANGER)[before:])
		self.assertEqual(acks, 3, "the first mails are acknowledged, then no more that day")

	# ---------------------------------------------------------------- surveys by email
	def bounce(self, invitation: str, domain: str, subject: str, text: str):
		"""A delivery report from `domain`'s mailer that the invitation's mail bounced, delivered to the desk."""
		from email.mime.message import MIMEMessage

		sent_id = frappe.db.get_value(
			"Email Queue",
			{"reference_doctype": "CRM Survey Invitation", "reference_name": invitation},
			"message_id",
		)
		report = MIMEMultipart("report", report_type="delivery-status")
		report["From"], report["To"], report["Subject"] = f"MAILER-DAEMON@{domain}", DESK, subject
		report["Message-ID"] = make_msgid(domain=domain)
		report.attach(MIMEText(text, "plain"))
		original = EmailMessage()
		original["Message-ID"] = f"<{sent_id}>"
		original["Subject"] = "How did we do?"
		report.attach(MIMEMessage(original))
		return self.deliver(report)

	def web_link_campaign(self, email: str, label: str):
		"""A running web-link survey campaign of rep_a2's customers, whose customer A2 now has `email`."""
		frappe.db.set_value("CRM Customer", self.org.c_a2, "email", email)
		campaign = frappe.get_doc(
			{
				"doctype": "CRM Survey Campaign",
				"campaign_name": f"{label} {self.org.suffix} {random_string(5)}",
				"template": "Customer Satisfaction",
				"channel": "Web Link",
				"status": "Running",
				"filter_account_manager": self.org.rep_a2,
			}
		).insert(ignore_permissions=True)
		self.created("CRM Survey Campaign", campaign.name)
		return campaign

	def test_survey_invitation_mailed_marked_and_reminded_once(self):
		campaign = self.web_link_campaign(CUSTOMER, "Mail")
		before = len(self.servers.messages(CUSTOMER))
		self.assertEqual(api.invite(campaign), 1)
		invitation = frappe.get_doc("CRM Survey Invitation", {"campaign": campaign.name})
		self.created("CRM Survey Invitation", invitation.name)
		self.assertEqual((invitation.status, invitation.delivery_status), ("Sent", "Queued"))
		mailed = self.inbox()[before:]
		self.assertEqual(len(mailed), 1)
		self.assertIn(invitation.token, mailed[0].get_body(("html", "plain")).get_content())
		survey_mail.sync_delivery()
		self.assertEqual(
			frappe.db.get_value("CRM Survey Invitation", invitation.name, "delivery_status"), "Sent"
		)

		# Not answered after the set days: one reminder, however often the job runs.
		frappe.db.set_single_value("CRM Plus Settings", "survey_reminder_days", 3)
		frappe.db.set_value("CRM Survey Invitation", invitation.name, "sent_at", add_days(now_datetime(), -4))
		self.assertEqual(survey_mail.send_survey_reminders(), 1)
		self.assertEqual(survey_mail.send_survey_reminders(), 0)
		self.assertEqual(len(self.inbox()[before:]), 2)
		self.assertTrue(frappe.db.get_value("CRM Survey Invitation", invitation.name, "reminded_at"))

		# The email queue's failure, then a bounce, are marked on the invitation.
		frappe.db.sql(
			"update `tabEmail Queue` set status = 'Error', error = 'SMTPRecipientsRefused: 550 no such user' "
			"where reference_doctype = 'CRM Survey Invitation' and reference_name = %s",
			invitation.name,
		)
		survey_mail.sync_delivery()
		row = frappe.db.get_value(
			"CRM Survey Invitation", invitation.name, ["delivery_status", "delivery_note"]
		)
		self.assertEqual(row[0], "Failed")
		self.assertIn("550", row[1])
		self.bounce(invitation.name, "customer-a.test", "Undelivered Mail", "Delivery to buyer failed.")
		self.assertEqual(
			frappe.db.get_value("CRM Survey Invitation", invitation.name, "delivery_status"), "Bounced"
		)
		self.assertEqual(len(self.inbox()[before:]), 2, "a bounce is never answered")

	def test_a_mails_json_shaped_markup_is_stored_without_it(self):
		"""A subject or text written as a JSON string literal passes Frappe's sanitizer untouched (issue
		21): the complaint and its Communication store no executable markup of it."""
		from crm_plus.domain import markup

		payload = '"<img src=x onerror=alert(1)>"'
		message_id = self.deliver(self.mail(sender=MARKUP, subject=payload, body='"<svg onload=alert(1)>"'))
		complaint = self.complaint_of(message_id)
		for field in ("subject", "description"):
			rich = field == "description"  # a Text Editor: a character reference in it is text
			self.assertEqual(markup.executable_markup(complaint.get(field), rich), [], complaint.get(field))
		communication = frappe.db.get_value(
			"Communication", {"message_id": message_id}, ["subject", "content"], as_dict=True
		)
		for field, value in communication.items():
			self.assertEqual(
				markup.executable_markup(value, field == "content"), [], f"Communication.{field}: {value!r}"
			)

	def test_a_bounces_subject_is_stored_without_markup_on_the_invitation(self):
		"""A delivery report's subject (anyone's text: the invited customer knows the mail's Message-ID)
		is written into the invitation's delivery note by frappe.db.set_value, past any sanitizer."""
		from crm_plus.domain import markup

		campaign = self.web_link_campaign(MARKUP, "Mail markup")
		self.assertEqual(api.invite(campaign), 1)
		invitation = frappe.get_doc("CRM Survey Invitation", {"campaign": campaign.name})
		self.created("CRM Survey Invitation", invitation.name)
		self.inbox(MARKUP)
		self.bounce(
			invitation.name, "customer-d.test", "Undelivered <img src=x onerror=alert(1)>", "Delivery failed."
		)
		status, note = frappe.db.get_value(
			"CRM Survey Invitation", invitation.name, ["delivery_status", "delivery_note"]
		)
		self.assertEqual(status, "Bounced")
		self.assertEqual(markup.executable_markup(note), [], note)

	# ---------------------------------------------------------------- every link mailed opens
	def public_links_of(self, message) -> tuple[list[str], list[str]]:
		"""The links to the public pages in a mail's plain-text part and in its HTML part (hrefs), as a
		customer's client would find them in each."""
		text = message.get_body(("plain",)).get_content()
		html = message.get_body(("html",)).get_content()
		pages = ("/survey?", "/complaint-feedback?")
		in_text = [u for u in re.findall(r"https?://[^\s<>()\[\]\"']+", text) if any(p in u for p in pages)]

		class Hrefs(HTMLParser):
			found: list[str] = []

			def handle_starttag(self, tag, attrs):
				if tag == "a":
					self.found.append(dict(attrs).get("href") or "")

		parser = Hrefs()
		parser.found = []
		parser.feed(html)
		return in_text, [u for u in parser.found if any(p in u for p in pages)]

	def assert_links_open(self, message, expected: int = 1) -> list[str]:
		"""Each public link of the mail, from either part, opens its page as valid for a guest."""
		in_text, in_html = self.public_links_of(message)
		subject = message["Subject"]
		self.assertEqual(len(set(in_text)), expected, f"plain text of {subject!r}: {in_text}")
		self.assertEqual(len(set(in_html)), expected, f"HTML of {subject!r}: {in_html}")
		self.assertEqual(set(in_text), set(in_html), subject)
		guest = self.login("Guest")
		for url in {*in_text, *in_html}:
			parts = urlsplit(url)
			page = self.get(guest, parts.path, dict(parse_qsl(parts.query)))
			self.assertEqual(page.status_code, 200, url)
			self.assertNotIn("data-state=", page.text, f"{url} does not open as a valid link")
		return sorted(set(in_text))

	def test_every_link_mailed_opens_from_the_plain_text_and_the_html_part(self):
		o = self.org
		frappe.db.set_value("CRM Customer", o.c_a2, "email", READER)
		frappe.db.commit()
		before = len(self.servers.messages(READER))

		# Survey invitations: one campaign per mail, each with a fresh token.
		invitations = []
		for n in range(8):
			campaign = frappe.get_doc(
				{
					"doctype": "CRM Survey Campaign",
					"campaign_name": f"Links {o.suffix} {n} {random_string(4)}",
					"template": "Customer Satisfaction",
					"channel": "Web Link",
					"status": "Running",
					"filter_account_manager": o.rep_a2,
				}
			).insert(ignore_permissions=True)
			self.created("CRM Survey Campaign", campaign.name)
			self.assertEqual(api.invite(campaign), 1)
			invitation = frappe.get_doc("CRM Survey Invitation", {"campaign": campaign.name})
			invitations.append(self.created("CRM Survey Invitation", invitation.name))
		frappe.db.commit()
		mailed = self.inbox(READER)[before:]
		self.assertEqual(len(mailed), len(invitations))
		for message in mailed:
			self.assert_links_open(message)

		# Reminders, half of them carrying tokens of the earlier kind (URL-safe base64, "_" and "-"),
		# which stay valid.
		legacy = [
			f"{secrets.token_urlsafe(16)}_{secrets.token_urlsafe(12)}",
			f"-{secrets.token_urlsafe(20)}__x",
			f"_{secrets.token_urlsafe(30)}",
			f"{secrets.token_urlsafe(10)}_-_{secrets.token_urlsafe(10)}",
		]
		for name, token in zip(invitations, legacy, strict=False):
			frappe.db.set_value(
				"CRM Survey Invitation", name, {"token": token, "survey_link": api.survey_url(token)}
			)
		frappe.db.sql(
			"update `tabCRM Survey Invitation` set sent_at = %s where name in %s",
			(add_days(now_datetime(), -4), invitations),
		)
		frappe.db.set_single_value("CRM Plus Settings", "survey_reminder_days", 3)
		self.assertEqual(survey_mail.send_survey_reminders(), len(invitations))
		frappe.db.commit()
		reminders = self.inbox(READER)[before + len(invitations) :]
		self.assertEqual(len(reminders), len(invitations))
		opened = [link for message in reminders for link in self.assert_links_open(message)]
		for token in legacy:
			self.assertTrue(any(link.endswith(f"token={token}") for link in opened), token)

		# A complaint by mail: the acknowledgement (no link), then the feedback link when resolved,
		# once with a fresh token and once with one of the earlier kind.
		first = self.deliver(self.mail(sender=READER, subject=f"Links {o.suffix}"))
		complaint = self.complaint_of(first)
		ack = [m for m in self.inbox(READER)[before:] if complaint.name in m["Subject"]]
		self.assertEqual(len(ack), 1)
		self.assert_links_open(ack[0], expected=0)
		agent = self.login(o.agent_a)
		response = self.put(
			agent,
			f"/api/resource/CRM Complaint/{complaint.name}",
			{"status": "Resolved", "resolution": "The technician replaced the seal."},
		)
		self.assertEqual(response.status_code, 200, response.text)
		seen = len(self.inbox(READER))
		feedback_mails = [
			m
			for m in self.servers.messages(READER)[before:]
			if "/complaint-feedback?" in m.get_body(("html", "plain")).get_content()
		]
		self.assertEqual(len(feedback_mails), 1)
		self.assert_links_open(feedback_mails[0])
		token = f"{secrets.token_urlsafe(15)}_{secrets.token_urlsafe(15)}"
		self.fresh()
		frappe.db.set_value(
			"CRM Complaint",
			complaint.name,
			{"feedback_token": token, "feedback_link": feedback.feedback_url(token)},
		)
		frappe.db.commit()
		self.assertTrue(feedback.send_feedback_link(complaint.name))
		frappe.db.commit()
		again = self.inbox(READER)[seen:]
		self.assertEqual(len(again), 1)
		self.assertEqual(self.assert_links_open(again[0]), [feedback.feedback_url(token)])

	# ---------------------------------------------------------------- attachments' names and contents
	def test_chinese_attachment_names_arrive_with_their_names(self):
		"""Names as Chinese mail clients send them, over SMTP and IMAP: RFC 2047 encoded words and RFC
		2231 parameters in GBK, GB2312, GB18030, Big5 and UTF-8 (a long name in several words). One
		attachment's bytes equal a private file of another division: it is stored as a file of its own."""
		o = self.org
		names = {
			"gbk": "关于二〇二六年第三季度采购合同的补充协议及附件清单（盖章版）",
			"gb2312": "采购合同附件",
			"gb18030": "合同𠀀附件",
			"big5": "合約附件",
			"utf-8": "合同附件（定稿）",
		}
		message = MIMEMultipart()
		message["From"], message["To"], message["Subject"] = SENDER_CN, DESK, f"附件 {o.suffix}"
		message["Message-ID"] = make_msgid(domain="customer.test")
		message.attach(MIMEText("附件见附。", "plain", "utf-8"))
		expected = {}
		for charset, stem in names.items():
			for style in ("2047", "2231"):
				name = f"{stem}-{style}.pdf"
				raw = name.encode(charset)
				if style == "2047":
					words = " ".join(
						f"=?{charset}?B?{base64.b64encode(raw[i : i + 30]).decode()}?="
						for i in range(0, len(raw), 30)
					)
					disposition = f'attachment; filename="{words}"'
				else:
					disposition = f"attachment; filename*={charset}''{quote(raw)}"
				content = f"%PDF {charset} {style} {random_string(10)}".encode()
				part = MIMEApplication(content, "pdf")
				part["Content-Disposition"] = disposition
				message.attach(part)
				expected[name] = content

		# Division B's private contract; the customer mails the same bytes.
		secret = f"division-b-secret-{o.suffix}.pdf"
		secret_bytes = f"%PDF the same contract {random_string(16)}".encode()
		owned = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": secret,
				"content": secret_bytes,
				"attached_to_doctype": "CRM Customer",
				"attached_to_name": o.c_b,
				"is_private": 1,
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		part = MIMEApplication(secret_bytes, "pdf")
		part["Content-Disposition"] = "attachment; filename*=gbk''" + quote("标准合同.pdf".encode("gbk"))
		message.attach(part)
		expected["标准合同.pdf"] = secret_bytes

		message_id = self.deliver(message)
		communication = frappe.db.get_value("Communication", {"message_id": message_id}, "name")
		files = frappe.get_all(
			"File",
			{"attached_to_doctype": "Communication", "attached_to_name": communication},
			["name", "file_name", "file_url"],
		)
		self.addCleanup(
			lambda: (
				[
					frappe.delete_doc("File", f, force=True, ignore_permissions=True)
					for f in [*(f.name for f in files), owned.name]
				]
				and frappe.db.commit()
			)
		)
		self.assertEqual(sorted(f.file_name for f in files), sorted(expected))
		for f in files:
			with open(frappe.get_doc("File", f.name).get_full_path(), "rb") as stored:
				self.assertEqual(stored.read(), expected[f.file_name], f.file_name)
		mailed = next(f for f in files if f.file_name == "标准合同.pdf")
		self.assertNotEqual(mailed.file_url, owned.file_url)
		self.assertNotIn("secret", mailed.file_url)
