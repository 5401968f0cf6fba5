"""The customer's timeline (交往记录): its visits and complaints beside Frappe's comments and changes."""

import frappe
from frappe import _
from frappe.utils import escape_html, get_url_to_form

LIMIT = 50


def customer_timeline(doctype: str, docname: str) -> list[dict]:
	"""additional_timeline_content of CRM Customer. Read with get_list: what the viewer may see."""
	items = []
	for visit in frappe.get_list(
		"CRM Visit",
		filters={"customer": docname},
		fields=[
			"name",
			"visit_type",
			"status",
			"purpose",
			"outcome",
			"planned_start",
			"check_in_at",
			"sales_rep",
		],
		order_by="planned_start desc",
		limit_page_length=LIMIT,
	):
		text = _("Visit {0} ({1}, {2})").format(
			_link("CRM Visit", visit.name),
			escape_html(_(visit.visit_type or "")),
			escape_html(_(visit.status)),
		)
		detail = visit.outcome or visit.purpose
		items.append(_item("es-line-calendar", visit.check_in_at or visit.planned_start, text, detail))
	for complaint in frappe.get_list(
		"CRM Complaint",
		filters={"customer": docname},
		fields=["name", "subject", "status", "received_at"],
		order_by="received_at desc",
		limit_page_length=LIMIT,
	):
		text = _("Complaint {0} ({1})").format(
			_link("CRM Complaint", complaint.name), escape_html(_(complaint.status))
		)
		items.append(_item("es-line-chat-alt", complaint.received_at, text, complaint.subject))
	return items


def _link(doctype: str, name: str) -> str:
	return f'<a href="{escape_html(get_url_to_form(doctype, name))}">{escape_html(name)}</a>'


def _item(icon: str, when, text: str, detail: str | None) -> dict:
	content = f"<div>{text}</div>"
	if detail:
		content += f'<div class="text-muted small">{escape_html(frappe.utils.strip_html(detail))[:300]}</div>'
	return {"icon": icon, "is_card": True, "creation": str(when), "content": content}


ACTIVITY_ICONS = {
	"Call": "es-line-call",
	"Meeting": "es-line-people",
	"Email": "es-line-email",
	"Note": "es-line-notes",
}


def activity_timeline(doctype: str, docname: str) -> list[dict]:
	"""additional_timeline_content of CRM Lead, Customer and Opportunity: the activities against the
	record (一般行动), read with get_list: what the viewer may see."""
	from crm_plus.domain.activities import TARGET_FIELDS

	field = TARGET_FIELDS.get(doctype)
	if not field:
		return []
	items = []
	for activity in frappe.get_list(
		"CRM Activity",
		filters={field: docname},
		fields=["name", "activity_type", "subject", "done", "done_on", "due_date", "outcome", "creation"],
		order_by="creation desc",
		limit_page_length=LIMIT,
	):
		state = _("Done") if activity.done else _("Planned")
		text = _("{0} {1}: {2} ({3})").format(
			escape_html(_(activity.activity_type)),
			_link("CRM Activity", activity.name),
			escape_html(activity.subject or ""),
			escape_html(state),
		)
		when = activity.done_on or activity.due_date or activity.creation
		items.append(
			_item(ACTIVITY_ICONS.get(activity.activity_type, "es-line-notes"), when, text, activity.outcome)
		)
	return items
