"""Customer care (客户关怀): birthdays and anniversaries announced to the account manager."""

import frappe
from frappe import _
from frappe.utils import cint, getdate, now_datetime, today

from crm_plus.domain import lifecycle
from crm_plus.utils import next_names

SENT = "CRM Sent Notification"

KIND_LABELS = {
	"birthday": lambda: _("Birthday"),
	"founding_anniversary": lambda: _("Founding anniversary"),
	"cooperation_anniversary": lambda: _("Anniversary of cooperation"),
}


def gather_dates() -> list[tuple[str, str, str, str]]:
	"""(key, kind, date, label) for customers and key people; key = customer or customer/row."""
	rows = frappe.db.sql(
		"""
		select name, customer_name, birth_date, founding_date, cooperation_since
		from `tabCRM Customer`
		where disabled = 0 and (birth_date is not null or founding_date is not null or cooperation_since is not null)
		""",
		as_dict=True,
	)
	dates = []
	for r in rows:
		for kind, field in (
			("birthday", "birth_date"),
			("founding_anniversary", "founding_date"),
			("cooperation_anniversary", "cooperation_since"),
		):
			if r[field]:
				dates.append((r.name, kind, getdate(r[field]), r.customer_name))
	people = frappe.db.sql(
		"""
		select p.parent, p.name, p.person_name, p.birthday
		from `tabCRM Customer Key Person` p join `tabCRM Customer` c on c.name = p.parent
		where p.parenttype = 'CRM Customer' and c.disabled = 0 and p.birthday is not null
		""",
		as_dict=True,
	)
	dates += [(f"{p.parent}/{p.name}", "birthday", getdate(p.birthday), p.person_name) for p in people]
	return dates


def send_care_reminders(as_of=None) -> int:
	"""Daily: notify each owner of occasions within the configured days; never the same one twice."""
	days = cint(frappe.db.get_single_value("CRM Plus Settings", "reminder_days_ahead"))
	dates = gather_dates()
	labels = {(key, kind): label for key, kind, _d, label in dates}
	occasions = lifecycle.upcoming_occasions(
		[(k, kind, d) for k, kind, d, _l in dates], getdate(as_of or today()), days
	)

	def remind(occasion) -> bool:
		customer = occasion.key.split("/")[0]
		key = f"care:{occasion.key}:{occasion.kind}:{occasion.occurs_on}"
		owner = frappe.db.get_value("CRM Customer", customer, "account_manager")
		if not owner or not claim(key, "CRM Customer", customer, owner):
			return False
		notify(
			owner,
			"CRM Customer",
			customer,
			_("{0}: {1} of {2} on {3} ({4} years)").format(
				KIND_LABELS[occasion.kind](),
				labels[(occasion.key, occasion.kind)],
				customer,
				frappe.format(occasion.occurs_on, "Date"),
				occasion.years,
			),
		)
		return True

	return each_isolated(occasions, remind, _("CRM Plus: a care reminder failed"))


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
			"subject": subject,
			"from_user": "Administrator",
		},
		[user],
	)
	email_alert(user, doctype, name, subject)


def email_alert(user: str, doctype: str, name: str, subject: str) -> bool:
	"""Queue the alert's email (delayed: the scheduler's email worker sends it); True when queued."""
	from frappe.desk.doctype.notification_settings.notification_settings import (
		is_email_notifications_enabled,
		is_notifications_enabled,
	)
	from frappe.utils import get_url_to_form, strip_html

	recipient = frappe.db.get_value("User", {"name": user, "enabled": 1}, ["email", "language"], as_dict=True)
	if not recipient or not recipient.email:
		return False
	if not is_notifications_enabled(user) or not is_email_notifications_enabled(user):
		return False
	try:
		frappe.sendmail(
			recipients=[recipient.email],
			subject=strip_html(subject),
			template="new_notification",
			args={
				"body_content": subject,
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


def each_isolated(items, action, title: str) -> int:
	"""Run `action(item)` for every item, each in its own savepoint: one that fails is rolled back and
	logged (with `title`) and the others go on. Returns how many actions returned a true value."""
	done = 0
	for item in items:
		frappe.db.savepoint("crm_plus_job_item")
		try:
			if action(item):
				done += 1
		except Exception:
			frappe.db.rollback(save_point="crm_plus_job_item")
			frappe.log_error(title=title)
	return done
