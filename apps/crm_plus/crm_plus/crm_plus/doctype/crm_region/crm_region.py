# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

from frappe.utils.nestedset import NestedSet


class CRMRegion(NestedSet):
	nsm_parent_field = "parent_crm_region"
