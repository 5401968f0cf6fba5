# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.model.naming import make_autoname
from frappe.utils import escape_html, getdate, now_datetime, today

from crm_plus.crm_customers.contacts import load_address_and_contact
from crm_plus.domain import geo, lifecycle, validation
from crm_plus.organisation import set_division_from_team
from crm_plus.party_checks import CUSTOMER, MESSAGES, phone_places, refuse_duplicates, set_phone_keys
from crm_plus.security.guards import check_owner_change
from crm_plus.utils import allow_server_fields, log_noted_change

COORDINATE_MESSAGES = {
	"not_a_number": lambda: _("the position is not a number"),
	"latitude_out_of_range": lambda: _("the latitude must be between -90 and 90"),
	"longitude_out_of_range": lambda: _("the longitude must be between -180 and 180"),
	"incomplete_coordinates": lambda: _("give both the latitude and the longitude"),
}
HISTORY_DOCTYPES = ("CRM Customer Transaction",)


class CRMCustomer(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_plus.crm_customers.doctype.crm_customer_key_person.crm_customer_key_person import (
			CRMCustomerKeyPerson,
		)

		account_manager: DF.Link | None
		address: DF.SmallText | None
		annual_revenue: DF.Currency
		birth_date: DF.Date | None
		brands_handled: DF.SmallText | None
		claimed_from_pool: DF.Check
		company_phone: DF.Data | None
		company_phone_key: DF.Data | None
		competitor_cooperation: DF.Text | None
		cooperation_since: DF.Date | None
		credit_factor: DF.Rating
		credit_rating: DF.Literal["", "AAA", "AA", "A", "BBB", "BB", "B", "C"]
		customer_code: DF.Data | None
		customer_kind: DF.Literal["Enterprise", "Individual"]
		customer_name: DF.Data
		customer_source: DF.Link | None
		customer_type: DF.Link | None
		deactivated_on: DF.Date | None
		deactivation_reason: DF.SmallText | None
		disabled: DF.Check
		division: DF.Link | None
		email: DF.Data | None
		employees: DF.Int
		employer: DF.Data | None
		f_score: DF.Int
		fax: DF.Data | None
		first_transaction_date: DF.Date | None
		founding_date: DF.Date | None
		gender: DF.Link | None
		grade: DF.Link | None
		grade_locked: DF.Check
		grade_override_reason: DF.SmallText | None
		grade_score: DF.Float
		graded_on: DF.Datetime | None
		hobbies: DF.SmallText | None
		id_number: DF.Data | None
		in_pool: DF.Check
		industry: DF.Link | None
		key_people: DF.Table[CRMCustomerKeyPerson]
		landline: DF.Data | None
		last_transaction_date: DF.Date | None
		latest_survey_date: DF.Date | None
		latest_survey_score: DF.Float
		latitude: DF.Float
		lead: DF.Link | None
		legal_representative: DF.Data | None
		longitude: DF.Float
		m_score: DF.Int
		main_business: DF.SmallText | None
		mobile: DF.Data | None
		mobile_key: DF.Data | None
		name_key: DF.Data | None
		notes: DF.Text | None
		occupation: DF.Data | None
		owner_since: DF.Datetime | None
		ownership_type: DF.Literal[
			"", "State-owned", "Private", "Foreign-funded", "Joint Venture", "Collective", "Other"
		]
		p_score: DF.Int
		payment_terms: DF.Data | None
		purchase_decision_notes: DF.Text | None
		r_score: DF.Int
		region: DF.Link | None
		registered_capital: DF.Currency
		sales_team: DF.Link | None
		status: DF.Literal["Potential", "Target", "First Purchase", "Repeat", "Loyal", "At Risk", "Lost"]
		status_since: DF.Datetime | None
		strategic_factor: DF.Rating
		suggested_grade: DF.Link | None
		tax_id: DF.Data | None
		total_profit: DF.Currency
		total_sales: DF.Currency
		transaction_count: DF.Int
		website: DF.Data | None
		years_of_cooperation: DF.Int

	# end: auto-generated types
	def onload(self):
		load_address_and_contact(self)

	def autoname(self):
		if not self.customer_code:
			series = frappe.db.get_single_value("CRM Plus Settings", "customer_code_series") or "CUST-.#####"
			self.customer_code = make_autoname(series, doc=self)
		self.name = self.customer_code

	def validate(self):
		self.validate_inputs()
		self.check_duplicates()
		self.set_division_from_team()
		self.check_account_manager_change()
		self.check_pool_owner()
		self.set_years_of_cooperation()
		self.clear_fields_of_other_kind()

	def check_pool_owner(self):
		from crm_plus.crm_sales.pool import check_pool_owner

		check_pool_owner(self)

	def before_save(self):
		self.track_status()

	def after_insert(self):
		from crm_plus.crm_customers.grading import REGRADED_FIELDS, regrade_customers

		regrade_customers([self.name], source="Suggested")
		self.update(frappe.db.get_value("CRM Customer", self.name, REGRADED_FIELDS, as_dict=True) or {})

	def on_update(self):
		self.log_status_change()
		self.regrade_on_factor_change()

	def regrade_on_factor_change(self):
		"""Credit standing and strategic value take part in the score: a change regrades at once."""
		if self.flags.in_insert:
			return  # after_insert grades the new customer
		if self.has_value_changed("credit_factor") or self.has_value_changed("strategic_factor"):
			from crm_plus.crm_customers.grading import regrade_customers

			regrade_customers([self.name], source="Regrade")

	def on_trash(self):
		history = {dt: frappe.db.count(dt, {"customer": self.name}) for dt in history_doctypes()}
		if blocked := lifecycle.deletion_blocked(history):
			frappe.throw(
				_(
					"Customer {0} has history ({1}) and cannot be deleted. Deactivate it instead: it then "
					"becomes a historical customer."
				).format(frappe.bold(self.name), ", ".join(_(dt) for dt in blocked)),
				frappe.LinkExistsError,
			)
		for dt in ("CRM Customer Status Log", "CRM Customer Grade Log", "CRM Customer Event"):
			frappe.db.delete(dt, {"customer": self.name})

	# ------------------------------------------------------------ validation
	def validate_inputs(self):
		checks = [
			("mobile", validation.mobile_error),
			("company_phone", validation.phone_error),
			("landline", validation.phone_error),
			("fax", validation.phone_error),
			("email", validation.email_error),
			("tax_id", validation.tax_id_error),
			("id_number", lambda v: validation.id_number_error(v, getdate(today()))),
			("registered_capital", validation.not_negative_error),
			("annual_revenue", validation.not_negative_error),
			("employees", validation.not_negative_error),
			(
				"founding_date",
				lambda v: validation.past_date_error(getdate(v) if v else None, getdate(today())),
			),
			("birth_date", lambda v: validation.past_date_error(getdate(v) if v else None, getdate(today()))),
			(
				"cooperation_since",
				lambda v: validation.past_date_error(getdate(v) if v else None, getdate(today())),
			),
		]
		errors = []
		self.set_location_from_map()
		if self.latitude or self.longitude:
			if code := geo.validate_coordinates(self.latitude, self.longitude):
				errors.append(_("Location: {0}").format(COORDINATE_MESSAGES[code]()))
		for fieldname, check in checks:
			value = self.get(fieldname)
			if value in (None, "") or (code := check(value)) is None:
				continue
			errors.append(MESSAGES[code](_(self.meta.get_label(fieldname)), escape_html(str(value))))
		for row in self.get("key_people") or []:
			if row.phone and validation.phone_error(row.phone):
				errors.append(
					MESSAGES["invalid_phone"](_("Key People") + f" #{row.idx}", escape_html(row.phone))
				)
			if row.birthday and validation.past_date_error(getdate(row.birthday), getdate(today())):
				errors.append(
					MESSAGES["date_in_future"](_("Key People") + f" #{row.idx} " + _("Birthday"), None)
				)
		if self.tax_id:
			self.tax_id = self.tax_id.strip().upper()
		if self.id_number:
			self.id_number = self.id_number.strip().upper()
		if errors:
			frappe.throw("<br>".join(errors), title=_("Please correct the customer"))

	def set_location_from_map(self):
		"""A marker put on the map (GeoJSON from the Geolocation field) sets latitude and longitude."""
		if not self.location_map or not self.has_value_changed("location_map"):
			return
		point = geo.point_from_geojson(self.location_map)
		if point:
			self.latitude, self.longitude = point

	def check_duplicates(self):
		"""Refuse a second customer with the same name, credit code or phone (compared by its key)."""
		settings = frappe.get_cached_doc("CRM Plus Settings")
		self.name_key = validation.normalize_name(self.customer_name)
		set_phone_keys(self)
		checks = []
		if settings.check_duplicate_name and self.name_key:
			checks.append(
				(_("the name {0}").format(self.customer_name), [(CUSTOMER, "name_key", self.name_key)])
			)
		if settings.check_duplicate_tax_id and self.tax_id:
			what = _("the unified social credit code {0}").format(self.tax_id)
			checks.append((what, [(CUSTOMER, "tax_id", self.tax_id)]))
		if settings.check_duplicate_phone:
			for fieldname in ("mobile", "company_phone"):
				if value := self.get(fieldname):
					what = _("the phone number {0}").format(value)
					checks.append((what, phone_places([(CUSTOMER, fieldname)], value)))
		refuse_duplicates(self, checks)

	def set_division_from_team(self):
		set_division_from_team(self)

	def check_account_manager_change(self):
		check_owner_change(self)

	def set_years_of_cooperation(self):
		self.years_of_cooperation = validation.years_between(
			getdate(self.cooperation_since) if self.cooperation_since else None, getdate(today())
		)

	def clear_fields_of_other_kind(self):
		"""Keep one kind's fields: a customer switched from individual to enterprise keeps no ID number."""
		individual_only = (
			"gender",
			"birth_date",
			"occupation",
			"employer",
			"id_number",
			"mobile",
			"landline",
			"hobbies",
		)
		if self.customer_kind == "Enterprise":
			for fieldname in individual_only:
				self.set(fieldname, None)

	# ------------------------------------------------------------ lifecycle
	def track_status(self):
		before = self.get_doc_before_save()
		previous = before.status if before else None
		if previous != self.status:
			self.flags.status_change = lifecycle.status_change(
				previous, before.status_since if before else None, self.status, now_datetime()
			)
			self.status_since = now_datetime()

	def log_status_change(self):
		log_noted_change(self, "status_change", "CRM Customer Status Log", "customer")

	# ------------------------------------------------------------ actions
	@frappe.whitelist()
	def deactivate(self, reason: str) -> dict:
		self.check_permission("write")
		if self.disabled:
			frappe.throw(_("Customer {0} is already deactivated").format(self.name))
		if not (reason or "").strip():
			frappe.throw(_("Please give a reason for deactivating the customer"))
		self.disabled = 1
		self.deactivated_on = today()
		self.deactivation_reason = reason.strip()
		allow_server_fields(self).save()
		add_event(self.name, "Deactivated", _("Deactivated"), reason)
		return self.as_dict()

	@frappe.whitelist()
	def restore(self, reason: str | None = None) -> dict:
		self.check_permission("write")
		if not self.disabled:
			frappe.throw(_("Customer {0} is not deactivated").format(self.name))
		self.disabled = 0
		self.deactivated_on = None
		self.deactivation_reason = None
		allow_server_fields(self).save()
		add_event(self.name, "Restored", _("Restored"), reason)
		return self.as_dict()


def history_doctypes() -> list[str]:
	"""DocTypes whose records are customer history; later modules add theirs through the transfer hook."""
	doctypes = list(HISTORY_DOCTYPES)
	for entry in frappe.get_hooks("crm_plus_transfer"):
		if entry.get("doctype") not in doctypes:
			doctypes.append(entry["doctype"])
	return doctypes


def add_event(customer: str, event_type: str, title: str, description: str | None = None):
	frappe.get_doc(
		{
			"doctype": "CRM Customer Event",
			"customer": customer,
			"event_date": today(),
			"event_type": event_type,
			"title": title,
			"description": description,
		}
	).insert(ignore_permissions=True)
