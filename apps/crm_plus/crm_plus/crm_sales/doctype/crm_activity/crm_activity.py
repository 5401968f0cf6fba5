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
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		activity_type: DF.Literal["Call", "Meeting", "Email", "Note"]
		assigned_to: DF.Link | None
		customer: DF.Link | None
		done: DF.Check
		done_on: DF.Datetime | None
		due_date: DF.Datetime | None
		lead: DF.Link | None
		naming_series: DF.Literal["CRM-ACT-.YYYY.-"]
		notes: DF.Text | None
		opportunity: DF.Link | None
		outcome: DF.SmallText | None
		subject: DF.Data
	# end: auto-generated types
	"""A call, meeting, email or note against a lead, a customer or an opportunity (一般行动). The
	permission follows that record (permissions.activity_query_conditions, check_activity_target)."""

	def validate(self):
		self.drop_restated_targets()
		if code := activities.target_error(self.as_dict()):
			frappe.throw(MESSAGES[code]())
		if self.done and not self.done_on:
			self.done_on = now_datetime()
		elif not self.done:
			self.done_on = None

	def drop_restated_targets(self):
		"""Logged from an opportunity's (a customer's) Connections, the activity arrives with that record's
		customer and lead filled in as well: keep the most specific record only
		(`activities.restated_targets`). Links are read only of records the user may read, so a refusal
		never tells whether two records the user cannot see belong together."""
		own_links = {}
		for field, doctype, links in (
			("opportunity", "CRM Opportunity", ["customer", "lead"]),
			("customer", "CRM Customer", ["lead"]),
		):
			name = self.get(field)
			if name and frappe.has_permission(doctype, "read", name):
				own_links[field] = frappe.db.get_value(doctype, name, links, as_dict=True) or {}
		for field in activities.restated_targets(self.as_dict(), own_links):
			self.set(field, None)
