# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CRMSurveyResponse(Document):
	def before_insert(self):
		# The rep serving the customer when they answered (the performance report averages by it).
		if self.customer and not self.account_manager:
			self.account_manager = frappe.db.get_value("CRM Customer", self.customer, "account_manager")
