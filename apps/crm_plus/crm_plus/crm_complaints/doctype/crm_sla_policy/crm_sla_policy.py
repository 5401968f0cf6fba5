# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_time


class CRMSLAPolicy(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_plus.crm_complaints.doctype.crm_sla_holiday.crm_sla_holiday import CRMSLAHoliday
		from crm_plus.crm_complaints.doctype.crm_sla_working_hour.crm_sla_working_hour import (
			CRMSLAWorkingHour,
		)

		at_risk_percent: DF.Percent
		customer_grade: DF.Link | None
		holidays: DF.Table[CRMSLAHoliday]
		is_default: DF.Check
		manager_after_minutes: DF.Int
		policy_name: DF.Data
		resolution_minutes: DF.Int
		response_minutes: DF.Int
		severity: DF.Literal["", "Low", "Medium", "High", "Critical"]
		working_hours: DF.Table[CRMSLAWorkingHour]

	# end: auto-generated types
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
