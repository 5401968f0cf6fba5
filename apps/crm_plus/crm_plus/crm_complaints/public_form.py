"""The public complaint form (`www/complaint`): a customer without a login tells us their problem.

The complaint is created by the system (channel Web), linked to a customer only when the email given
matches exactly one customer (a contact's address or the customer's own; never by the phone, see
`customer_match`); the match grants the guest nothing: the answer is the same whether or not it
matched, and names only the new complaint's number. Rate-limited per address; every field bounded;
text stored as text."""

import re

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit
from frappe.utils import add_to_date, escape_html, now_datetime, strip_html_tags

from crm_plus.crm_complaints.customer_match import match_customer
from crm_plus.domain import complaint_portal

ERRORS = {
	"required": lambda: _("Please fill in this field"),
	"invalid": lambda: _("This value is not valid"),
	"too_long": lambda: _("This text is too long"),
	"invalid_email": lambda: _("Please enter a valid email address"),
	"invalid_phone": lambda: _("Please enter a valid phone number"),
	"unknown_category": lambda: _("Please choose one of the given categories"),
}
MARKUP_FREE = ("full_name", "subject")
# What strip_html_tags leaves of a tag it cannot see closed (`<img src=x onerror=...`).
ANGLE_BRACKETS = re.compile(r"[<>]")


def categories() -> list[dict]:
	"""The categories a customer may choose from (leaves only), with their translated names."""
	rows = frappe.get_all("CRM Complaint Category", {"is_group": 0}, ["name"], order_by="name asc")
	return [{"value": row.name, "label": _(row.name)} for row in rows]


# xss_safe: Frappe would escape what a guest sends before this sees it; the text is escaped here once.
@frappe.whitelist(allow_guest=True, methods=["POST"], xss_safe=True)
@rate_limit(limit=10, seconds=3600)  # complaints from one address in an hour
def submit_complaint(
	full_name: str | None = None,
	phone: str | None = None,
	email: str | None = None,
	subject: str | None = None,
	description: str | None = None,
	category: str | None = None,
) -> dict:
	fields = {
		"full_name": full_name,
		"phone": phone,
		"email": email,
		"subject": subject,
		"description": description,
		"category": category,
	}
	# Markup is no part of a name or a subject: tags are dropped before the checks, so a value made of
	# markup alone is reported as missing (an email or a phone with markup is malformed).
	for name in MARKUP_FREE:
		if isinstance(fields[name], str):
			# A tag left open at the end survives the stripping: the brackets go too.
			fields[name] = ANGLE_BRACKETS.sub("", strip_html_tags(fields[name]))
	values, errors = complaint_portal.public_complaint_errors(fields)
	if values.get("category") and not frappe.db.exists(
		"CRM Complaint Category", {"name": values["category"], "is_group": 0}
	):
		errors["category"] = "unknown_category"
	if errors:
		return {"ok": False, "errors": {f: ERRORS[e]() for f, e in errors.items()}}
	if form_is_full():
		frappe.throw(
			_("The complaint form takes no more complaints this hour. Please try again later or call us."),
			frappe.RateLimitExceededError,
		)
	# By the e-mail only: the phone is kept for the agent, never matched (the e-mail typed becomes the
	# address replies and the feedback link go to; a known phone number with the guest's own address
	# would send the customer's affairs to the guest).
	customer, contact = match_customer(values["email"])
	doc = frappe.get_doc(
		{
			"doctype": "CRM Complaint",
			"customer": customer,
			"contact": contact,
			"raised_by": values["email"],
			"raised_by_name": values["full_name"],
			"raised_by_phone": values["phone"],
			"channel": "Web",
			"received_at": now_datetime(),
			"severity": "Medium",
			"category": values["category"] or None,
			"subject": values["subject"],
			# Stored as text: what the customer typed is shown, never run, in the desk.
			"description": escape_html(values["description"]).replace("\n", "<br>"),
		}
	)
	doc.flags.ignore_permissions = True  # the system opens it; the guest has no permission of its own
	doc.insert()
	return {"ok": True, "complaint": doc.name}


def form_is_full() -> bool:
	"""The site-wide cap of the form (CRM Plus Settings), beside the per-address limit: an address is
	what the request's X-Forwarded-For says when no proxy overwrites it, so the cap is what holds then."""
	cap = frappe.db.get_single_value("CRM Plus Settings", "web_complaints_per_hour")
	if not cap:
		return False
	taken = frappe.db.count(
		"CRM Complaint",
		{"channel": "Web", "owner": "Guest", "creation": (">", add_to_date(now_datetime(), hours=-1))},
	)
	return taken >= cap
