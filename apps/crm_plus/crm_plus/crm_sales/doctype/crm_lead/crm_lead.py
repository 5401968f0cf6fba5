# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, escape_html, flt, now_datetime

from crm_plus.domain import sales, validation
from crm_plus.domain.roles import OWNER_CHANGE_ROLES
from crm_plus.organisation import set_division_from_team
from crm_plus.party_checks import CUSTOMER, LEAD, MESSAGES, phone_places, refuse_duplicates, set_phone_keys
from crm_plus.security.guards import check_owner_change
from crm_plus.utils import allow_server_fields

# Roles that may give a lead or an opportunity to another rep, or reopen a won or lost opportunity.
MANAGER_ROLES = OWNER_CHANGE_ROLES

STATUS_MESSAGES = {
	"unknown_status": lambda: _("Unknown lead status"),
	"converted_is_final": lambda: _("A converted lead keeps its status"),
	"convert_with_action": lambda: _("Use Convert to turn a lead into a customer"),
	"reason_required": lambda: _("Please give the reason why the lead is unqualified"),
	"already_converted": lambda: _("This lead has already been converted"),
	"not_convertible": lambda: _("Only a new, contacted or qualified lead can be converted"),
}


class CRMLead(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		account_manager: DF.Link | None
		claimed_from_pool: DF.Check
		company_name: DF.Data | None
		converted_customer: DF.Link | None
		converted_on: DF.Datetime | None
		converted_opportunity: DF.Link | None
		division: DF.Link | None
		email: DF.Data | None
		in_pool: DF.Check
		industry: DF.Link | None
		lead_name: DF.Data
		name_key: DF.Data | None
		naming_series: DF.Literal["CRM-LEAD-.YYYY.-"]
		notes: DF.SmallText | None
		owner_since: DF.Datetime | None
		phone: DF.Data | None
		phone_key: DF.Data | None
		region: DF.Link | None
		sales_team: DF.Link | None
		source: DF.Link | None
		status: DF.Literal["New", "Contacted", "Qualified", "Unqualified", "Converted"]
		tax_id: DF.Data | None
		unqualified_reason: DF.SmallText | None

	# end: auto-generated types
	def validate(self):
		self.validate_inputs()
		self.check_status()
		self.set_division_from_team()
		self.check_owner_change()
		self.check_pool_owner()
		self.check_duplicates()

	# ------------------------------------------------------------ validation
	def validate_inputs(self):
		checks = [
			("phone", validation.phone_error),
			("email", validation.email_error),
			("tax_id", validation.tax_id_error),
		]
		if self.tax_id:
			self.tax_id = self.tax_id.strip().upper()
		errors = []
		for fieldname, check in checks:
			value = self.get(fieldname)
			if value in (None, "") or (code := check(value)) is None:
				continue
			errors.append(MESSAGES[code](_(self.meta.get_label(fieldname)), escape_html(str(value))))
		if errors:
			frappe.throw("<br>".join(errors), title=_("Please correct the lead"))

	def check_status(self):
		before = self.get_doc_before_save()
		code = sales.lead_status_error(
			before.status if before else None,
			self.status,
			self.unqualified_reason,
			converting=bool(self.flags.converting),
		)
		if code:
			frappe.throw(STATUS_MESSAGES[code]())

	def set_division_from_team(self):
		set_division_from_team(self)

	def check_owner_change(self):
		check_owner_change(self)

	def check_pool_owner(self):
		from crm_plus.crm_sales.pool import check_pool_owner

		check_pool_owner(self)

	def check_duplicates(self):
		"""Refuse a lead whose name, phone (compared by its key) or credit code is already a lead's or a
		customer's."""
		self.name_key = validation.normalize_name(self.company_name or self.lead_name)
		set_phone_keys(self)
		if self.status == "Converted":
			return
		if not self.is_new() and not any(
			self.has_value_changed(f) for f in ("name_key", "phone_key", "tax_id", "status")
		):
			return
		settings = frappe.get_cached_doc("CRM Plus Settings")
		checks = []
		if settings.check_duplicate_name and self.name_key:
			what = _("the name {0}").format(self.company_name or self.lead_name)
			checks.append((what, [(LEAD, "name_key", self.name_key), (CUSTOMER, "name_key", self.name_key)]))
		if settings.check_duplicate_tax_id and self.tax_id:
			what = _("the unified social credit code {0}").format(self.tax_id)
			checks.append((what, [(LEAD, "tax_id", self.tax_id), (CUSTOMER, "tax_id", self.tax_id)]))
		if settings.check_duplicate_phone and self.phone:
			what = _("the phone number {0}").format(self.phone)
			places = [(LEAD, "phone"), (CUSTOMER, "mobile"), (CUSTOMER, "company_phone")]
			checks.append((what, phone_places(places, self.phone)))
		refuse_duplicates(self, checks)

	# ------------------------------------------------------------ conversion
	@frappe.whitelist()
	def convert(
		self,
		create_opportunity: bool = False,
		opportunity_title: str | None = None,
		expected_amount: float | None = None,
		stage: str | None = None,
	) -> dict:
		"""Turn the lead into a customer with its contact and, optionally, an opportunity, in one step.
		The lead stays (Converted, with links both ways), and so do its comments, files and ToDos."""
		self.check_permission("write")
		self.lock_for_conversion()
		if code := sales.conversion_error(self.status):
			frappe.throw(STATUS_MESSAGES[code]())
		customer = self.make_customer()
		self.make_contact(customer.name)
		opportunity = None
		if cint(create_opportunity):
			opportunity = frappe.get_doc(
				{
					"doctype": "CRM Opportunity",
					"title": (opportunity_title or "").strip() or self.company_name or self.lead_name,
					"customer": customer.name,
					"lead": self.name,
					"expected_amount": flt(expected_amount),
					"stage": stage or None,
					"account_manager": self.account_manager,
					"sales_team": self.sales_team,
				}
			).insert()
		self.status = "Converted"
		self.converted_customer = customer.name
		self.converted_opportunity = opportunity.name if opportunity else None
		self.converted_on = now_datetime()
		self.flags.converting = True
		allow_server_fields(self).save()
		return {"customer": customer.name, "opportunity": opportunity.name if opportunity else None}

	def lock_for_conversion(self):
		"""Re-read the lead with its row locked (`select ... for update`): of two Converts at once the
		second waits here until the first commits, then reads the lead as stored (Converted) and is told
		so, instead of converting a stale copy and failing on its timestamp at the end."""
		self.flags.for_update = True
		try:
			self.reload()
		finally:
			self.flags.for_update = False

	def make_customer(self):
		kind = sales.customer_kind_for_lead(self.company_name)
		values = {
			"doctype": CUSTOMER,
			"customer_kind": kind,
			"customer_name": (self.company_name or "").strip() or self.lead_name,
			"account_manager": self.account_manager,
			"sales_team": self.sales_team,
			"division": self.division,
			"customer_source": self.source,
			"region": self.region,
			"industry": self.industry,
			"email": self.email,
			"lead": self.name,
		}
		if kind == "Enterprise":
			values |= {"company_phone": self.phone, "tax_id": self.tax_id}
		elif self.phone and not validation.mobile_error(self.phone):
			values["mobile"] = self.phone
		else:
			values["landline"] = self.phone
		customer = frappe.get_doc(values)
		customer.flags.ignore_permlevel_for_fields = ["lead"]
		return customer.insert()

	def make_contact(self, customer: str):
		contact = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": self.lead_name,
				"company_name": self.company_name,
				"links": [{"link_doctype": CUSTOMER, "link_name": customer}],
			}
		)
		if self.email:
			contact.append("email_ids", {"email_id": self.email, "is_primary": 1})
		if self.phone:
			contact.append("phone_nos", {"phone": self.phone, "is_primary_phone": 1})
		return contact.insert()
