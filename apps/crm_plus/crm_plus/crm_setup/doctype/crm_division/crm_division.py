# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_plus.security.scope import clear_scope_cache


class CRMDivision(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_plus.crm_setup.doctype.crm_division_member.crm_division_member import CRMDivisionMember

		disabled: DF.Check
		division_head: DF.Link | None
		division_name: DF.Data
		service_staff: DF.Table[CRMDivisionMember]

	# end: auto-generated types
	def on_update(self):
		clear_scope_cache()
