# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_plus.permissions import clear_scope_cache


class CRMDivision(Document):
	def on_update(self):
		clear_scope_cache()
