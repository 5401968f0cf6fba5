# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_plus.crm_customers import transfer
from crm_plus.domain import composed
from crm_plus.security.scope import get_scope, placeable_teams, reps_of


class CRMCustomerTransfer(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_plus.crm_customers.doctype.crm_customer_transfer_item.crm_customer_transfer_item import (
			CRMCustomerTransferItem,
		)

		amended_from: DF.Link | None
		customers_moved: DF.Int
		from_user: DF.Link
		moved: DF.Table[CRMCustomerTransferItem]
		naming_series: DF.Literal["CRM-TRF-.YYYY.-"]
		only_division: DF.Link | None
		reason: DF.SmallText
		to_sales_team: DF.Link | None
		to_user: DF.Link
		transfer_date: DF.Date

	# end: auto-generated types
	def validate(self):
		if self.from_user == self.to_user:
			frappe.throw(_("Choose a different rep to transfer the customers to"))
		if not frappe.db.get_value("User", self.to_user, "enabled"):
			frappe.throw(_("{0} is disabled and cannot take over customers").format(self.to_user))
		self.check_placement()
		if self.to_sales_team and self.only_division:
			team_division = frappe.db.get_value("CRM Sales Team", self.to_sales_team, "division")
			if team_division != self.only_division:
				frappe.throw(_("The new sales team belongs to another division"))

	def check_placement(self):
		"""The successor and the new team are the transferring user's to give records to, as for a record
		placed by hand (security.guards.check_placement): otherwise a manager could push their customers,
		leads and claimed pool leads into another division's lists and claim limits."""
		scope = get_scope()
		if scope.unrestricted:
			return
		if self.to_user not in reps_of(scope):
			frappe.throw(
				_("You may only transfer customers to yourself or a rep of your teams"),
				frappe.PermissionError,
			)
		if self.to_sales_team and self.to_sales_team not in placeable_teams(scope):
			frappe.throw(
				_("You may only transfer customers to a sales team you belong to or manage"),
				frappe.PermissionError,
			)

	def before_submit(self):
		# Frappe does not sanitize the fields of a document being submitted: the reason is kept as escaped
		# text (the form shows a submitted Small Text as HTML).
		self.reason = composed.as_html_text(self.reason)
		customers = transfer.customers_to_move(self.from_user, self.only_division)
		if not customers:
			frappe.throw(_("{0} manages no customers that you may transfer").format(self.from_user))
		frappe.flags.crm_plus_transfer = True
		try:
			moved = transfer.move(
				self.from_user,
				self.to_user,
				customers,
				self.to_sales_team,
				self.reason,
				only_division=self.only_division,
			)
		finally:
			frappe.flags.crm_plus_transfer = False
		self.customers_moved = moved.pop("CRM Customer")
		self.set("moved", [{"reference_doctype": dt, "records_moved": n} for dt, n in moved.items()])

	def on_cancel(self):
		frappe.throw(_("A transfer cannot be cancelled: make a new transfer back instead"))
