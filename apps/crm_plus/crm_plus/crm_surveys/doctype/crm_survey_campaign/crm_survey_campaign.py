# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt


class CRMSurveyCampaign(Document):
	def validate(self):
		if flt(self.sample_percentage) < 0 or flt(self.sample_percentage) > 100:
			frappe.throw(_("The sample percentage must be between 0 and 100"))

	@frappe.whitelist()
	def start(self):
		"""Draw the sample and invite it; inviting again adds only customers not yet invited."""
		from crm_plus.crm_surveys.api import invite

		self.check_permission("write")
		created = invite(self)
		self.db_set("status", "Running")
		return created

	@frappe.whitelist()
	def close(self):
		self.check_permission("write")
		self.db_set("status", "Closed")
