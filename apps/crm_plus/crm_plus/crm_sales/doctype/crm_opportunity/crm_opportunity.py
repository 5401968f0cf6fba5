# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime, now_datetime

from crm_plus.crm_sales.doctype.crm_lead.crm_lead import MANAGER_ROLES
from crm_plus.domain import sales, validation
from crm_plus.organisation import set_division_from_team
from crm_plus.security.guards import check_owner_change
from crm_plus.utils import log_noted_change

STAGE = "CRM Opportunity Stage"

MESSAGES = {
	"terminal_stage": lambda stage: _(
		"The opportunity is in the stage {0}, which ends it: only a sales manager can reopen it"
	).format(_(stage)),
	"lost_reason_required": lambda stage: _("Please give the lost reason"),
}


def stages() -> dict[str, sales.Stage]:
	rows = frappe.get_all(
		STAGE, fields=["name", "probability", "stage_order", "is_won", "is_lost"], order_by="stage_order asc"
	)
	return {
		r.name: sales.Stage(
			r.name, float(r.probability or 0), int(r.stage_order or 0), bool(r.is_won), bool(r.is_lost)
		)
		for r in rows
	}


class CRMOpportunity(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		account_manager: DF.Link
		competitors: DF.SmallText | None
		customer: DF.Link | None
		description: DF.Text | None
		division: DF.Link | None
		expected_amount: DF.Currency
		expected_close_date: DF.Date | None
		lead: DF.Link | None
		lost_detail: DF.SmallText | None
		lost_reason: DF.Link | None
		naming_series: DF.Literal["CRM-OPP-.YYYY.-"]
		next_step: DF.SmallText | None
		party_name: DF.Data | None
		probability: DF.Percent
		sales_team: DF.Link | None
		stage: DF.Link | None
		stage_since: DF.Datetime | None
		status: DF.Literal["Open", "Won", "Lost"]
		title: DF.Data

	# end: auto-generated types
	def validate(self):
		self.check_customer_or_lead()
		self.validate_inputs()
		self.apply_stage()
		self.check_lost_reason()
		self.set_division_from_team()
		self.set_party_name()
		check_owner_change(self)

	def before_save(self):
		self.track_stage()

	def on_update(self):
		self.log_stage_change()

	def on_trash(self):
		frappe.db.delete("CRM Opportunity Stage Log", {"opportunity": self.name})

	# ------------------------------------------------------------ validation
	def check_customer_or_lead(self):
		if not self.customer and not self.lead:
			frappe.throw(_("An opportunity needs a customer or a lead"))
		# A lead, like a customer (check_customer_link), is one the user may edit.
		if not self.lead or not (self.is_new() or self.has_value_changed("lead")):
			return
		if self.flags.ignore_permissions or frappe.flags.in_install or frappe.flags.in_migrate:
			return
		if not frappe.has_permission("CRM Lead", "write", self.lead):
			frappe.throw(
				_("You are not permitted to access the lead {0}").format(frappe.bold(self.lead)),
				frappe.PermissionError,
			)

	def validate_inputs(self):
		if validation.not_negative_error(self.expected_amount):
			frappe.throw(_("{0} cannot be negative").format(_(self.meta.get_label("expected_amount"))))

	def apply_stage(self):
		"""The stage decides the status and the probability (server-owned); a won or lost opportunity
		stays so unless a manager reopens it."""
		known = stages()
		if not self.stage:
			first = sales.first_open_stage(list(known.values()))
			if not first:
				frappe.throw(_("Please define the opportunity stages first"))
			self.stage = first.name
		target = known.get(self.stage)
		if target is None:
			frappe.throw(_("Unknown stage {0}").format(frappe.bold(self.stage)))
		before = self.get_doc_before_save()
		current = known.get(before.stage) if before and before.stage else None
		if current is None and before and before.stage:
			current = sales.Stage(before.stage)  # a stage since deleted: an open one
		may_reopen = bool(set(frappe.get_roles()) & MANAGER_ROLES)
		if code := sales.stage_move_error(current, target, may_reopen):
			frappe.throw(MESSAGES[code](current.name), frappe.PermissionError)
		self.status = sales.status_for_stage(target)
		self.probability = sales.probability_for_stage(target)

	def check_lost_reason(self):
		if code := sales.lost_reason_error(self.status, self.lost_reason):
			frappe.throw(MESSAGES[code](self.stage), frappe.MandatoryError)
		if self.status != "Lost":
			self.lost_reason = None

	def set_division_from_team(self):
		set_division_from_team(self)

	def set_party_name(self):
		"""The customer's name, or the lead's company or name (server-owned; the Kanban card shows it)."""
		if self.customer:
			self.party_name = frappe.db.get_value("CRM Customer", self.customer, "customer_name")
		elif self.lead:
			lead = frappe.db.get_value("CRM Lead", self.lead, ["company_name", "lead_name"], as_dict=True)
			self.party_name = (lead.company_name or lead.lead_name) if lead else None

	# ------------------------------------------------------------ stage log
	def track_stage(self):
		before = self.get_doc_before_save()
		previous = before.stage if before else None
		since = get_datetime(before.stage_since) if before and before.stage_since else None
		change = sales.stage_change(previous, since, self.stage, now_datetime())
		if change:
			self.flags.stage_change = change
			self.stage_since = change.changed_at

	def log_stage_change(self):
		log_noted_change(self, "stage_change", "CRM Opportunity Stage Log", "opportunity")
