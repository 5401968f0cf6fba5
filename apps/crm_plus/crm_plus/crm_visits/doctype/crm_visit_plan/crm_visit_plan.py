# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import add_to_date, get_datetime, getdate

from crm_plus.domain import visits
from crm_plus.domain.roles import ADMIN, DIVISION_HEAD, SYSTEM_MANAGER
from crm_plus.organisation import team_manager
from crm_plus.security.guards import check_customer_access
from crm_plus.security.scope import get_scope, reps_of
from crm_plus.utils import allow_server_fields


class CRMVisitPlan(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_plus.crm_visits.doctype.crm_visit_plan_item.crm_visit_plan_item import CRMVisitPlanItem

		amended_from: DF.Link | None
		approval_status: DF.Literal["Draft", "Pending Approval", "Approved", "Rejected"]
		approver: DF.Link | None
		completion_rate: DF.Percent
		items: DF.Table[CRMVisitPlanItem]
		naming_series: DF.Literal["CRM-VPL-.YYYY.-"]
		period_end: DF.Date | None
		period_start: DF.Date
		period_type: DF.Literal["Week", "Month"]
		rejection_reason: DF.SmallText | None
		sales_rep: DF.Link

	# end: auto-generated types
	def validate(self):
		start, end = visits.plan_period(self.period_type, getdate(self.period_start))
		self.period_start, self.period_end = start, end
		self.check_rep()
		for item in self.items:
			# The rep who visits and the user who plans may both edit the customer.
			check_customer_access(item.customer, "write", user=self.sales_rep)
			if not self.flags.ignore_permissions:
				check_customer_access(item.customer, "write")
			if not start <= getdate(item.planned_date) <= end:
				frappe.throw(
					_("Row {0}: {1} is outside the plan's period ({2} to {3})").format(
						item.idx,
						frappe.format(item.planned_date, "Date"),
						frappe.format(start, "Date"),
						frappe.format(end, "Date"),
					)
				)
		if self.docstatus == 0 and self.approval_status not in ("Draft", "Pending Approval", "Rejected"):
			self.approval_status = "Draft"

	def check_rep(self):
		"""A plan is made by its rep, or by a manager or division head for a rep of their teams."""
		if self.flags.ignore_permissions or not (self.is_new() or self.has_value_changed("sales_rep")):
			return
		scope = get_scope()
		if scope.unrestricted or self.sales_rep in reps_of(scope):
			return
		frappe.throw(
			_("You may only plan visits for yourself or the reps of your teams"), frappe.PermissionError
		)

	@frappe.whitelist()
	def request_approval(self) -> None:
		self.check_permission("write")
		manager = plan_manager(self.sales_rep)
		if not manager:
			frappe.throw(
				_("{0} has no manager in the sales team tree to approve the plan").format(self.sales_rep)
			)
		self.approval_status = "Pending Approval"
		self.approver = manager
		allow_server_fields(self).save()
		from crm_plus.notifications import notify

		notify(
			manager,
			self.doctype,
			self.name,
			_("Visit plan {0} of {1} waits for your approval").format(self.name, self.sales_rep),
		)

	def before_submit(self):
		self.check_approver()
		self.approval_status = "Approved"
		self.approver = frappe.session.user

	def on_submit(self):
		"""Approval plans a visit for every customer in the plan."""
		for item in self.items:
			visit = frappe.get_doc(
				{
					"doctype": "CRM Visit",
					"customer": item.customer,
					"visit_type": item.visit_type,
					"purpose": item.purpose,
					"sales_rep": self.sales_rep,
					"planned_start": get_datetime(f"{item.planned_date} 09:00:00"),
					"planned_end": add_to_date(get_datetime(f"{item.planned_date} 09:00:00"), hours=1),
					"status": "Planned",
				}
			).insert(ignore_permissions=True)
			item.db_set("visit", visit.name)

	@frappe.whitelist()
	def reject(self, reason: str) -> None:
		self.check_approver()
		if not (reason or "").strip():
			frappe.throw(_("Please give a reason for the rejection"))
		self.approval_status = "Rejected"
		self.rejection_reason = reason.strip()
		allow_server_fields(self).save()

	def check_approver(self):
		user = frappe.session.user
		if user == self.sales_rep:
			frappe.throw(_("A rep cannot approve their own visit plan"), frappe.PermissionError)
		roles = set(frappe.get_roles(user))
		if user == plan_manager(self.sales_rep) or roles & {ADMIN, DIVISION_HEAD, SYSTEM_MANAGER}:
			return
		frappe.throw(_("Only the rep's manager can approve or reject this plan"), frappe.PermissionError)


def plan_manager(rep: str) -> str | None:
	"""The manager of the rep's team, or of the nearest team above it that has one."""
	team = frappe.db.get_value(
		"CRM Sales Team Member", {"user": rep, "parenttype": "CRM Sales Team"}, "parent"
	)
	manager = team_manager(team)
	if manager == rep and team:
		parent = frappe.db.get_value("CRM Sales Team", team, "parent_crm_sales_team")
		manager = team_manager(parent)
	return manager
