# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_time


class CRMSLAPolicy(Document):
	def validate(self):
		for row in self.working_hours:
			if get_time(row.end_time) <= get_time(row.start_time):
				frappe.throw(_("Working hours row {0}: the end must be after the start").format(row.idx))
		if not self.working_hours:
			frappe.throw(_("Give the working hours of the service desk"))
		if self.is_default:
			others = frappe.db.get_value(
				"CRM SLA Policy", {"is_default": 1, "name": ("!=", self.name)}, "name"
			)
			if others:
				frappe.db.set_value("CRM SLA Policy", others, "is_default", 0)
