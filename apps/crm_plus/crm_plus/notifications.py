"""Alerts to users, each sent once: claim a key, then notify (the bell and the email queue).

Scheduled jobs and documents that alert a user claim a unique key in CRM Sent Notification first,
so a rerun or an overlapping run sends nothing twice; `notify` is the one way the app alerts a user.
"""

import frappe
from frappe import _
from frappe.utils import now_datetime

from crm_plus.domain import composed
from crm_plus.utils import next_names

SENT = "CRM Sent Notification"


def claim(key: str, doctype: str, name: str, recipient: str | None) -> bool:
	"""Claim a notification key; False when it was claimed before, by this run or an overlapping one.

	One INSERT IGNORE against the key's unique index, then a read of who holds the key: a second
	transaction claiming the same key waits for the first to end and then finds it taken. The row is
	written without a document's save hooks (no realtime update per claim: bursts claim thousands).
	"""
	(row_name,) = next_names(SENT, 1)
	user, now = frappe.session.user, now_datetime()
	frappe.db.sql(
		f"""insert ignore into `tab{SENT}`
		(name, `key`, reference_doctype, reference_name, recipient, sent_at, owner, modified_by, creation, modified)
		values (%(row)s, %(key)s, %(doctype)s, %(name)s, %(recipient)s, %(now)s, %(user)s, %(user)s, %(now)s, %(now)s)""",
		{
			"row": row_name,
			"key": key,
			"doctype": doctype,
			"name": name,
			"recipient": recipient,
			"now": now,
			"user": user,
		},
	)
	holder = frappe.db.sql(f"select name from `tab{SENT}` where `key` = %s", key)
	return bool(holder) and holder[0][0] == row_name


def notify(user: str, doctype: str, name: str, subject: str) -> None:
	"""Alert a user: in the bell (a Notification Log of type Alert) and by email through the email queue.

	`subject` is plain text (the callers compose it from names and text users wrote): it is escaped
	here, once, for the bell and the mail's body, which show it as HTML; the mail's subject line is the
	text itself.

	Frappe emails Notification Logs only for the types with a switch in Notification Settings (Mention,
	Assignment, Share, Energy Point), never Alerts; so the email is queued here, for every job that
	alerts, with the same template and under the same settings: not for a disabled user, nor one who
	turned notifications or email notifications off, nor one without an email address."""
	from frappe.desk.doctype.notification_log.notification_log import make_notification_logs

	make_notification_logs(
		{
			"type": "Alert",
			"document_type": doctype,
			"document_name": name,
			"subject": composed.escape(subject),
			"from_user": "Administrator",
		},
		[user],
	)
	email_alert(user, doctype, name, subject)


def email_alert(user: str, doctype: str, name: str, subject: str) -> bool:
	"""Queue the alert's email (delayed: the scheduler's email worker sends it); True when queued.
	`subject` is plain text."""
	from frappe.desk.doctype.notification_settings.notification_settings import (
		is_email_notifications_enabled,
		is_notifications_enabled,
	)
	from frappe.utils import get_url_to_form

	recipient = frappe.db.get_value("User", {"name": user, "enabled": 1}, ["email", "language"], as_dict=True)
	if not recipient or not recipient.email:
		return False
	if not is_notifications_enabled(user) or not is_email_notifications_enabled(user):
		return False
	try:
		frappe.sendmail(
			recipients=[recipient.email],
			subject=subject,
			template="new_notification",
			args={
				"body_content": composed.escape(subject),
				"description": None,
				"document_type": doctype,
				"document_name": name,
				"doc_link": get_url_to_form(doctype, name),
			},
			header=[_("New Notification", lang=recipient.language), "orange"],
			reference_doctype=doctype,
			reference_name=name,
			delayed=True,
		)
	except frappe.OutgoingEmailError:
		# No outgoing email account on the site: the alert stays in the bell.
		frappe.clear_last_message()
		return False
	return True
