"""Complaints by email, on Frappe's own plumbing.

An incoming Email Account appending to CRM Complaint creates one complaint per new thread (Frappe's
InboundMail makes the complaint and its Communication); replies in the thread are linked to it by
Frappe. Here the new complaint gets its text, time, channel, customer and contact from the mail, and
the customer an acknowledgement queued through `frappe.sendmail`. Mails no person wrote (auto-replies,
bounces) never open a complaint and are never answered; they are kept as Communications.
"""

import frappe
from frappe import _
from frappe.email.doctype.email_account.email_account import EmailAccount as FrappeEmailAccount
from frappe.email.receive import InboundMail, is_system_user
from frappe.utils import format_datetime, get_datetime, now_datetime

from crm_plus.crm_complaints.customer_match import match_customer
from crm_plus.domain import composed
from crm_plus.domain import mail as rules
from crm_plus.notifications import claim
from crm_plus.utils import allow_server_fields

COMPLAINT = "CRM Complaint"


class EmailAccount(FrappeEmailAccount):
	"""Frappe's Email Account whose inbound mails know about complaints (override_doctype_class)."""

	def get_inbound_mails(self):
		return [as_complaint_mail(mail) for mail in super().get_inbound_mails()]


def as_complaint_mail(mail):
	"""The mail parsed again as ComplaintMail (its attachments' names read by its get_attachment); a
	mail that fails that parse keeps Frappe's parse, never lost."""
	try:
		return ComplaintMail(mail.raw_message, mail.email_account, mail.uid, mail.seen_status, mail.append_to)
	except Exception:
		frappe.log_error(title="CRM Plus: an inbound mail kept Frappe's parse")
		mail.__class__ = ComplaintMail
		return mail


class ComplaintMail(InboundMail):
	def process(self):
		self.dropped_attachments = []
		self.automatic = rules.is_automatic(dict(self.mail.items()), self.from_email)
		if self.automatic:
			from crm_plus.crm_surveys.mail import mark_bounce

			mark_bounce(self)
		if self.automatic and not self.is_reply():
			# A robot's mail outside a thread (an out-of-office, a bounce of our own acknowledgement)
			# never opens a complaint: it is kept as a Communication of its own.
			self.append_to = "Communication"
			if not self.email_account.use_imap:
				self.email_account.append_to = None
		frappe.local.crm_plus_inbound_mail = self
		try:
			return super().process()
		finally:
			frappe.local.crm_plus_inbound_mail = None

	def reference_document(self):
		if getattr(self, "automatic", False) and not self.is_reply():
			self._reference_document = ""  # not matched to a complaint by its subject either
		return super().reference_document()

	def match_record_by_subject_and_sender(self, doctype):
		"""Frappe appends a mail whose subject names a record ("... (#CRM-CMP-...)") to it whoever sent
		it; a complaint takes it only from the address it was raised by (or from staff), else the mail
		opens a complaint of its own, so an outsider never writes into another customer's complaint."""
		record = super().match_record_by_subject_and_sender(doctype)
		if record is None or doctype != COMPLAINT:
			return record
		sender = (self.from_email or "").strip().lower()
		if sender == (record.raised_by or "").strip().lower() or is_system_user(sender):
			return record
		return None

	def get_attachment(self, part):
		"""Frappe reads an attachment's encoded name as UTF-8 and, failing, names it at random: the name
		is read here in its own charset (RFC 2047 and RFC 2231, GBK, GB2312, GB18030, Big5, UTF-8)."""
		count = len(self.attachments)
		super().get_attachment(part)
		if len(self.attachments) == count:
			return
		raw = part.get_param("filename", None, "content-disposition") or part.get_param("name", None)
		name = rules.attachment_name(raw)
		if not name or "\ufffd" in name:
			# Raw 8-bit bytes: Python's parser has replaced them; the header as received still has them.
			headers = {k.lower(): v for k, v in part.raw_items()}
			raw_name = rules.raw_param(headers.get("content-disposition"), "filename") or rules.raw_param(
				headers.get("content-type"), "name"
			)
			name = rules.attachment_name(raw_name) or name
		attachment = self.attachments[-1]
		if not name or name == attachment["fname"] or name in self.cid_map:
			return
		if attachment["fname"] in self.cid_map:
			self.cid_map[name] = self.cid_map.pop(attachment["fname"])
		attachment["fname"] = name

	def save_attachments_in_doc(self, doc):
		"""Frappe drops an attachment over the site's limit without a word: the complaint says so."""
		from frappe.core.api.file import get_max_file_size

		limit = get_max_file_size()
		kept = []
		for attachment in self.attachments:
			if len(attachment["fcontent"] or b"") > limit:
				self.dropped_attachments.append((attachment["fname"], len(attachment["fcontent"])))
			else:
				kept.append(attachment)
		self.attachments = kept
		saved = super().save_attachments_in_doc(doc)
		if self.dropped_attachments and doc.reference_doctype == COMPLAINT and doc.reference_name:
			names = ", ".join(f"{name} ({size / 1048576:.1f} MB)" for name, size in self.dropped_attachments)
			note(
				doc.reference_name,
				_(
					"Attachments of the mail from {0} were not saved: over the site's limit of {1} MB: {2}"
				).format(self.from_email, round(limit / 1048576, 1), names),
			)
		return saved


def mark_inbound(complaint) -> None:
	"""A complaint Frappe creates from an incoming mail is an Email complaint from its first save (it may
	have no customer yet: intake below matches the sender)."""
	if complaint.is_new() and getattr(frappe.local, "crm_plus_inbound_mail", None) is not None:
		complaint.channel = "Email"


def note(complaint: str, text: str) -> None:
	"""An information line on the complaint's timeline (not a staff comment: no first response)."""
	frappe.get_doc(
		{
			"doctype": "Comment",
			"comment_type": "Info",
			"reference_doctype": COMPLAINT,
			"reference_name": complaint,
			"content": text,
		}
	).insert(ignore_permissions=True)


def make_quote_inert(doc, method=None):
	"""Communication validate: Frappe's composer quotes a message for Reply by decoding its text and
	putting that text into the editor as HTML, so a customer's mail that shows `<img onerror=...>` as
	text (harmless in the timeline) would run in the replying user's browser. Every `<` of a message's
	text gets a zero-width space (`domain.composed.inert_quote`): it reads the same and opens no tag."""
	if doc.communication_type == "Communication" and doc.content:
		doc.content = composed.inert_quote(doc.content)


def on_communication(doc, method=None):
	"""Communication after_insert: a mail received for a complaint Frappe just created fills it in."""
	if doc.reference_doctype != COMPLAINT or not doc.reference_name:
		return
	if doc.sent_or_received != "Received" or doc.communication_medium != "Email":
		return
	mail = getattr(frappe.local, "crm_plus_inbound_mail", None)
	if mail is None or (mail.message_id or "") != (doc.message_id or ""):
		return
	complaint = frappe.get_doc(COMPLAINT, doc.reference_name)
	if complaint.description:
		return  # a reply in the thread: Frappe linked it, nothing to fill in
	intake(complaint, doc, mail)


def intake(complaint, communication, mail) -> None:
	text = rules.html_to_text(mail.html_content) if mail.html_content else rules.tidy(mail.text_content)
	complaint.description = rules.description_html(text) if text else _("(The mail had no text)")
	if not (mail.mail.get("Subject") or "").strip():
		complaint.subject = _("Email from {0} without a subject").format(mail.from_email)[:140]
	received = get_datetime(communication.communication_date or now_datetime())
	complaint.received_at = min(received, now_datetime())
	complaint.channel = "Email"
	complaint.raised_by = mail.from_email
	customer, contact = match_customer(mail.from_email)
	complaint.customer, complaint.contact = customer, contact
	if customer:
		complaint.customer_name = frappe.db.get_value("CRM Customer", customer, "customer_name")
	elif handler := frappe.db.get_single_value("CRM Plus Settings", "email_complaint_handler"):
		complaint.handler = complaint.handler or handler
	complaint.flags.ignore_permissions = True  # the system files the customer's mail
	complaint.flags.ignore_mandatory = not customer  # an unknown sender: an agent links the customer
	allow_server_fields(complaint).save()
	if not mail.automatic:
		acknowledge(complaint, communication)


def acknowledge(complaint, communication) -> bool:
	"""Queue the acknowledgement: the complaint number and the promised times, in the mail's thread.
	Once per complaint and a few times a day per address at most (claimed keys), so that no loop
	with another robot goes on."""
	address = complaint.raised_by
	if not address or frappe.db.exists("Email Account", {"email_id": address}):
		return False
	if not claim(f"complaint-ack:{complaint.name}", COMPLAINT, complaint.name, address):
		return False
	day = now_datetime().date().isoformat()
	if not any(
		claim(f"complaint-ack:{address}:{day}:{n}", COMPLAINT, complaint.name, address)
		for n in range(rules.ACKS_PER_ADDRESS_PER_DAY)
	):
		return False
	lines = [
		_("We have received your complaint and registered it as {0}.").format(complaint.name),
		_("Subject: {0}").format(complaint.subject),
	]
	if complaint.response_by:
		lines.append(_("We will respond by {0}.").format(format_datetime(complaint.response_by)))
	if complaint.resolution_by:
		lines.append(_("We aim to resolve it by {0}.").format(format_datetime(complaint.resolution_by)))
	lines.append(_("Please reply to this email to add to your complaint."))
	try:
		frappe.sendmail(
			recipients=[address],
			subject=f"Re: {complaint.subject} (#{complaint.name})",
			message="".join(f"<p>{frappe.utils.escape_html(line)}</p>" for line in lines),
			reference_doctype=COMPLAINT,
			reference_name=complaint.name,
			in_reply_to=f"<{communication.message_id}>" if communication.message_id else None,
			delayed=True,
		)
	except frappe.OutgoingEmailError:
		frappe.clear_last_message()
		return False
	return True


def thread_headers(doc, method=None):
	"""Email Queue before_insert: a mail about a complaint to its customer continues the customer's
	thread (In-Reply-To and References name the mail that opened it), as mail clients expect."""
	if doc.reference_doctype != COMPLAINT or not doc.reference_name or not doc.message:
		return
	address = frappe.db.get_value(COMPLAINT, doc.reference_name, "raised_by")
	if not address or address.lower() not in {(r.recipient or "").lower() for r in doc.recipients}:
		return  # staff alerts about the complaint are not the customer's thread
	opened = frappe.get_all(
		"Communication",
		{
			"reference_doctype": COMPLAINT,
			"reference_name": doc.reference_name,
			"sent_or_received": "Received",
			"communication_medium": "Email",
		},
		["message_id"],
		order_by="creation asc",
		limit=1,
	)
	if not opened or not opened[0].message_id:
		return
	eol = "\r\n" if "\r\n" in doc.message[:4000] else "\n"
	head, sep, _rest = doc.message.partition(eol + eol)
	if not sep:
		return
	names = {line.split(":", 1)[0].strip().lower() for line in head.splitlines() if ":" in line}
	original = f"<{opened[0].message_id}>"
	extra = []
	if "in-reply-to" not in names:
		extra.append(f"In-Reply-To: {original}")
	if "references" not in names:
		extra.append(f"References: {original}")
	if extra:
		doc.message = eol.join(extra) + eol + doc.message
