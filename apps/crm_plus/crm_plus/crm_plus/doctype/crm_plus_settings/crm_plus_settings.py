# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_plus.domain import grading


class CRMPlusSettings(Document):
	def validate(self):
		from crm_plus.crm_plus.grading import config_error_message, load_config, load_tiers

		if "." not in (self.customer_code_series or "") and "#" not in (self.customer_code_series or ""):
			frappe.throw(_("The customer code series needs a running number, e.g. CUST-.#####"))
		config = load_config(self)
		try:
			grading.validate_config(config, load_tiers() or [grading.Tier("Small", 0, 1)])
		except grading.GradingConfigError as e:
			frappe.throw(config_error_message(e), title=_("Grading settings"))
