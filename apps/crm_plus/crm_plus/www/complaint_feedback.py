"""The customer's feedback on a resolved complaint: /complaint-feedback?token=... needs no login and
works on a phone. It shows only the complaint the link was made for; every other case (an unknown,
used or expired link, a complaint reopened meanwhile, too many requests) a translated sentence."""

import frappe
from frappe import _

from crm_plus.crm_complaints import feedback
from crm_plus.public_links import over_limit

no_cache = 1


def get_context(context):
	context.no_header = 1
	context.no_breadcrumbs = 1
	context.title = _("Your Feedback on Our Service")
	context.messages = feedback.messages() | {
		"limited": _("Too many requests from your network. Please try again in a few minutes."),
	}
	context.star_labels = {
		1: _("Very poor"),
		2: _("Poor"),
		3: _("Fair"),
		4: _("Good"),
		5: _("Excellent"),
	}
	if over_limit("complaint-feedback", 60, 600):
		context.state = "limited"
		context.http_status_code = 429
		return context
	token = frappe.form_dict.get("token") or ""
	complaint = feedback.complaint_by_token(token)
	context.state = feedback.link_state(complaint)
	if context.state != "valid":
		return context
	context.token = token
	context.complaint = complaint.name
	context.subject = complaint.subject
	context.resolution = complaint.resolution
	return context
