"""The public survey page: /survey?token=... needs no login and works on a phone."""

import frappe
from frappe import _

from crm_plus.crm_surveys.api import invitation_by_token, mark_opened, questions_of, token_state
from crm_plus.domain.surveys import SATISFACTION_LEVELS

no_cache = 1


def level_labels() -> dict[int, str]:
	"""The five levels of seed 000: 高度满意 5, 一般满意 4, 无意见 3, 有些不满意 2, 极不满意 1."""
	return {
		5: _("Very satisfied"),
		4: _("Satisfied"),
		3: _("No opinion"),
		2: _("Somewhat dissatisfied"),
		1: _("Very dissatisfied"),
	}


def get_context(context):
	context.no_header = 1
	context.no_breadcrumbs = 1
	token = frappe.form_dict.get("token") or ""
	invitation = invitation_by_token(token)
	context.state = token_state(invitation)
	context.title = _("Customer Satisfaction Survey")
	context.messages = {
		"expired": _("This survey link has expired. Thank you for your interest."),
		"used": _("This survey has already been answered. Thank you!"),
		"forged": _("This survey link is not valid."),
		"closed": _("This survey has ended. Thank you for your interest."),
		"error": _("Your answers could not be sent. Please try again in a few minutes."),
	}
	if context.state != "valid":
		return context
	mark_opened(invitation)
	template = frappe.get_cached_doc(
		"CRM Survey Template", frappe.db.get_value("CRM Survey Campaign", invitation.campaign, "template")
	)
	context.token = token
	context.customer_name = invitation.customer_name
	context.introduction = template.introduction
	context.thank_you = template.thank_you or _("Thank you for your answers!")
	context.questions = questions_of(template.name)
	context.levels = [(value, level_labels()[value]) for value, _label in SATISFACTION_LEVELS]
	return context
