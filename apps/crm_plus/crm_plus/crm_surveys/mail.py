"""Survey invitations by email: what became of each mail (the email queue's outcome, a bounce that came
back) marked on the invitation, and one reminder to customers who have not answered after the days
set in CRM Plus Settings."""

import email

import frappe
from frappe import _
from frappe.email.doctype.email_account.email_account import EmailAccount
from frappe.utils import add_days, cint, now_datetime

from crm_plus.domain import mail as mail_rules
from crm_plus.notifications import claim
from crm_plus.stored_text import clean_text
from crm_plus.utils import each_isolated

INVITATION = "CRM Survey Invitation"


def sync_delivery() -> int:
	"""Every ten minutes: the email queue's outcome on invitations still waiting for one. A failed
	send (status Error) marks the invitation Failed with the error's first line; a sent one Sent. A
	bounce is final (mark_bounce) and never turned back into Sent."""
	rows = frappe.db.sql(
		"""select q.reference_name as invitation, q.status, q.error
		from `tabEmail Queue` q join `tabCRM Survey Invitation` i on i.name = q.reference_name
		where q.reference_doctype = %s and q.status in ('Sent', 'Error')
			and ifnull(i.delivery_status, '') in ('', 'Queued', 'Sent')
		order by q.creation asc""",
		INVITATION,
		as_dict=True,
	)
	latest = {r.invitation: r for r in rows}  # the newest mail of each invitation decides
	changed = 0
	for name, row in latest.items():
		status = "Failed" if row.status == "Error" else "Sent"
		current = frappe.db.get_value(INVITATION, name, "delivery_status")
		if current == status:
			continue
		note = (row.error or "").strip().splitlines()[-1][:200] if status == "Failed" and row.error else None
		note = clean_text(note) if note else None  # a server's answer may echo what a sender wrote
		frappe.db.set_value(
			INVITATION, name, {"delivery_status": status, "delivery_note": note}, update_modified=False
		)
		changed += 1
	return changed


def bounced_message_id(message) -> str | None:
	"""The Message-ID of our mail a delivery report returns (its attached message or headers)."""
	for part in message.walk():
		kind = part.get_content_type()
		if kind == "message/rfc822":
			inner = part.get_payload()
			inner = inner[0] if isinstance(inner, list) and inner else inner
			if hasattr(inner, "get") and inner.get("Message-ID"):
				return inner.get("Message-ID").strip().strip("<>")
		elif kind == "text/rfc822-headers":
			headers = email.message_from_string(part.get_payload(decode=True).decode("utf-8", "replace"))
			if headers.get("Message-ID"):
				return headers.get("Message-ID").strip().strip("<>")
	return None


def mark_bounce(mail) -> str | None:
	"""An incoming delivery report about an invitation's mail marks the invitation Bounced."""
	message_id = bounced_message_id(mail.mail) or mail.in_reply_to
	if not message_id:
		return None
	queued = frappe.db.get_value(
		"Email Queue", {"message_id": message_id, "reference_doctype": INVITATION}, "reference_name"
	)
	if not queued:
		return None
	frappe.db.set_value(
		INVITATION,
		queued,
		{
			"delivery_status": "Bounced",
			# The bounce's subject is a stranger's text, written past the invitation's save.
			"delivery_note": clean_text(_("The mail came back undelivered: {0}").format(mail.subject)[:200]),
		},
		update_modified=False,
	)
	return queued


def send_survey_reminders(now=None) -> int:
	"""Daily: one reminder to each invited customer who has not answered after the set days, while
	the campaign runs and the link is valid. Each reminder is claimed first, so a rerun or an
	overlapping run sends none twice."""
	days = cint(frappe.db.get_single_value("CRM Plus Settings", "survey_reminder_days"))
	if days <= 0 or not EmailAccount.find_outgoing():
		return 0  # no outgoing account: the agents phone the customers instead
	now = now or now_datetime()
	due = frappe.db.sql(
		"""select i.name, i.email, i.survey_link, i.customer
		from `tabCRM Survey Invitation` i join `tabCRM Survey Campaign` c on c.name = i.campaign
		where c.status = 'Running' and i.channel = 'Web Link' and i.status in ('Sent', 'Opened')
			and i.answered_at is null and i.reminded_at is null and ifnull(i.email, '') != ''
			and ifnull(i.delivery_status, '') not in ('Failed', 'Bounced')
			and i.sent_at <= %(before)s and (i.expires_at is null or i.expires_at > %(now)s)""",
		{"before": add_days(now, -days), "now": now},
		as_dict=True,
	)

	def remind(row) -> bool:
		if not claim(f"survey-reminder:{row.name}", INVITATION, row.name, row.email):
			return False
		frappe.sendmail(
			recipients=[row.email],
			subject=_("A reminder: how did we do?"),
			message=mail_rules.sentence_with_link(
				_("You have not answered our short survey yet. Please tell us how satisfied you are: {0}"),
				row.survey_link,
			),
			reference_doctype=INVITATION,
			reference_name=row.name,
			delayed=True,
		)
		frappe.db.set_value(
			INVITATION, row.name, {"reminded_at": now, "delivery_status": "Queued"}, update_modified=False
		)
		return True

	return each_isolated(due, remind, _("CRM Plus: a survey reminder failed"))
