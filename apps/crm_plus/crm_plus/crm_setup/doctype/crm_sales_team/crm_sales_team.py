# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils.nestedset import NestedSet

from crm_plus.security.scope import clear_scope_cache


class CRMSalesTeam(NestedSet):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_plus.crm_setup.doctype.crm_sales_team_member.crm_sales_team_member import CRMSalesTeamMember

		division: DF.Link
		is_group: DF.Check
		lft: DF.Int
		manager: DF.Link | None
		members: DF.Table[CRMSalesTeamMember]
		old_parent: DF.Link | None
		parent_crm_sales_team: DF.Link | None
		rgt: DF.Int
		team_name: DF.Data
	# end: auto-generated types
	nsm_parent_field = "parent_crm_sales_team"

	def validate(self):
		if self.parent_crm_sales_team:
			parent_division = frappe.db.get_value("CRM Sales Team", self.parent_crm_sales_team, "division")
			if parent_division and parent_division != self.division:
				frappe.throw(
					_("A team reports to a team of its own division ({0}): divisions are kept apart").format(
						parent_division
					)
				)
		users = [m.user for m in self.members]
		if len(users) != len(set(users)):
			frappe.throw(_("A user is listed twice among the members"))

	def on_update(self):
		super().on_update()
		clear_scope_cache()
