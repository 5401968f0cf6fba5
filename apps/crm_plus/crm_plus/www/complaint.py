"""The public complaint form: /complaint needs no login and works on a phone."""

from frappe import _

from crm_plus.crm_complaints.public_form import categories
from crm_plus.domain.complaint_portal import LIMITS

no_cache = 1


def get_context(context):
	context.no_header = 1
	context.no_breadcrumbs = 1
	context.title = _("Tell Us About a Problem")
	context.categories = categories()
	context.limits = LIMITS
	context.messages = {
		"error": _("Your complaint could not be sent. Please try again in a few minutes."),
		"thanks": _("Thank you. Your complaint number is {0}: please keep it for your reference."),
	}
	return context
