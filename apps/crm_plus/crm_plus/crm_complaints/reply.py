"""Replying to a complaint from the desk ("Use" on a suggested solution, issue 22).

Frappe's email composer reads the Email Account list for a signature (`frappe.db.get_list("Email
Account")`), which the service roles may not read: the composer stopped with "Not permitted" before it
filled in the reply. Rather than letting those roles read every Email Account (server, login, folders),
the complaint form's composer asks this module for the little it needs: the customer's address, whether
the site can send at all, and the default outgoing account's signature. Without an outgoing account the
composer does not send (Frappe would answer 501 and the typed reply would be lost): `keep_reply` keeps the
text as a comment on the complaint and the user is told plainly."""

import frappe
from frappe import _
from frappe.email.doctype.email_account.email_account import EmailAccount
from frappe.utils import escape_html
from frappe.utils.html_utils import sanitize_html

from crm_plus.crm_complaints.customer_match import complaint_address

DOCTYPE = "CRM Complaint"


def _complaint(name: str, ptype: str):
	if not isinstance(name, str) or not name:
		frappe.throw(_("Complaint is required"))
	doc = frappe.get_doc(DOCTYPE, name)
	doc.check_permission(ptype)
	return doc


def outgoing_account():
	"""The site's default outgoing Email Account (None when mail cannot be sent)."""
	try:
		return EmailAccount.find_outgoing(match_by_doctype=DOCTYPE)
	except frappe.OutgoingEmailError:
		return None


@frappe.whitelist()
def reply_context(complaint: str) -> dict:
	"""What the composer needs to reply to a complaint the user may email: the customer's address, whether
	the site can send mail, and the signature of the account that would send it."""
	doc = _complaint(complaint, "email")
	account = outgoing_account()
	signature = (account and account.add_signature and account.signature) or ""
	return {
		"recipients": complaint_address(doc) or "",
		"can_send": bool(account),
		"signature": signature,
	}


@frappe.whitelist(methods=["POST"])
def keep_reply(
	complaint: str, content: str, subject: str | None = None, recipients: str | None = None
) -> str:
	"""Keep a reply that could not be sent (no outgoing account) as a comment on the complaint, so the
	text is not lost; it can be sent once an account is set up. Returns the comment's name."""
	doc = _complaint(complaint, "write")
	if not isinstance(content, str) or not content.strip():
		frappe.throw(_("The reply is empty"))
	heading = _("Reply not sent (no outgoing email account), kept here. To: {0}; subject: {1}").format(
		escape_html(recipients or ""), escape_html(subject or "")
	)
	comment = doc.add_comment("Comment", f"<p><b>{heading}</b></p>{sanitize_html(content)}")
	return comment.name
