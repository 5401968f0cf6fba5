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


def claim_many(entries: list[tuple[str, str, str, str | None]]) -> set[str]:
	"""`claim` for many keys at once, set-based: the keys of `entries` (key, doctype, name, recipient)
	this transaction won. One multi-row INSERT IGNORE per thousand keys, in key order (two passes
	claiming the same keys wait for each other rather than deadlock), then one read of who holds them:
	a key inserted by an overlapping transaction makes this one wait for it and then find it taken."""
	entries = sorted({e[0]: e for e in entries}.values())
	if not entries:
		return set()
	ours = dict(zip((e[0] for e in entries), next_names(SENT, len(entries)), strict=True))
	user, now = frappe.db.escape(frappe.session.user), frappe.db.escape(str(now_datetime()))
	won: set[str] = set()
	for start in range(0, len(entries), 1000):
		chunk = entries[start : start + 1000]
		values = ", ".join(
			f"({int(ours[key])}, {frappe.db.escape(key)}, {frappe.db.escape(doctype)}, {frappe.db.escape(name)},"
			f" {frappe.db.escape(recipient) if recipient else 'null'}, {now}, {user}, {user}, {now}, {now})"
			for key, doctype, name, recipient in chunk
		)
		frappe.db.sql(
			f"""insert ignore into `tab{SENT}` (name, `key`, reference_doctype, reference_name, recipient,
			sent_at, owner, modified_by, creation, modified) values {values}"""
		)
		held = frappe.db.sql(
			f"select `key`, name from `tab{SENT}` where `key` in %s", ([e[0] for e in chunk],)
		)
		won |= {key for key, name in held if int(name) == int(ours[key])}
	return won


def release(keys: list[str]) -> None:
	"""Give back keys this transaction claimed but whose work failed (a savepoint rolled back)."""
	if keys:
		frappe.db.sql(f"delete from `tab{SENT}` where `key` in %s", (keys,))


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


def notify_digest(user: str, doctype: str, subject: str, lines: list[tuple[str, str]], link: str) -> None:
	"""One alert listing many records: `lines` are (record name, plain text) pairs, `link` the list to
	open (a desk route). The bell shows the subject and opens the link; the log's content and the
	mail list every line, escaped, each linked to its record."""
	from frappe.desk.doctype.notification_log.notification_log import make_notification_logs

	body = digest_html(doctype, lines)
	make_notification_logs(
		{
			"type": "Alert",
			"document_type": doctype,
			"subject": composed.escape(subject),
			"email_content": body,
			"link": link,
			"from_user": "Administrator",
		},
		[user],
	)
	email_alert(user, doctype, None, subject, body_html=body, link=link)


DIGEST_LINES = 50  # lines listed in one digest; the rest are counted


def digest_html(doctype: str, lines: list[tuple[str, str]]) -> str:
	from frappe.utils import get_url_to_form

	items = "".join(
		f'<li><a href="{composed.escape(get_url_to_form(doctype, name))}">{composed.escape(text)}</a></li>'
		for name, text in lines[:DIGEST_LINES]
	)
	more = len(lines) - DIGEST_LINES
	tail = f"<p>{composed.escape(_('and {0} more').format(more))}</p>" if more > 0 else ""
	return f"<ul>{items}</ul>{tail}"


def email_alert(
	user: str,
	doctype: str,
	name: str | None,
	subject: str,
	*,
	body_html: str | None = None,
	link: str | None = None,
) -> bool:
	"""Queue the alert's email (delayed: the scheduler's email worker sends it); True when queued.
	`subject` is plain text; a digest passes its list as `body_html` (escaped) and the desk `link`."""
	from frappe.desk.doctype.notification_settings.notification_settings import (
		is_email_notifications_enabled,
		is_notifications_enabled,
	)
	from frappe.utils import get_url, get_url_to_form

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
				"description": body_html,
				"document_type": doctype,
				"document_name": name,
				"doc_link": get_url(link) if link else get_url_to_form(doctype, name),
			},
			header=[_("New Notification", lang=recipient.language), "orange"],
			reference_doctype=doctype if name else None,
			reference_name=name,
			delayed=True,
		)
	except frappe.OutgoingEmailError:
		# No outgoing email account on the site: the alert stays in the bell.
		frappe.clear_last_message()
		return False
	return True
