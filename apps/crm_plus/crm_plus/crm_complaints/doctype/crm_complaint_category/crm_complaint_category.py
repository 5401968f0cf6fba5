# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

from frappe.utils.nestedset import NestedSet


class CRMComplaintCategory(NestedSet):
	nsm_parent_field = "parent_crm_complaint_category"
