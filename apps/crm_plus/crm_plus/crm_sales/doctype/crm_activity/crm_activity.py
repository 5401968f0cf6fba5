# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime

from crm_plus.domain import activities

MESSAGES = {
	"target_required": lambda: _("An activity is logged against a lead, a customer or an opportunity"),
	"one_target": lambda: _(
		"An activity is logged against one record only: a lead, a customer or an opportunity"
	),
}


class CRMActivity(Document):
	"""A call, meeting, email or note against a lead, a customer or an opportunity (一般行动). The
	permission follows that record (permissions.activity_query_conditions, check_activity_target)."""

	def validate(self):
		if code := activities.target_error(self.as_dict()):
			frappe.throw(MESSAGES[code]())
		if self.done and not self.done_on:
			self.done_on = now_datetime()
		elif not self.done:
			self.done_on = None
