# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, get_datetime, now_datetime

from crm_plus.domain import geo, visits
from crm_plus.security.guards import check_customer_access
from crm_plus.utils import allow_server_fields


def visit_messages() -> dict[str, str]:
	return {
		"end_before_start": _("The planned end is before the planned start"),
		"check_out_before_check_in": _("Check-out cannot be before check-in"),
		"check_out_without_check_in": _("Check in before checking out"),
		"customer_deactivated": _("The customer is deactivated: restore it before planning visits"),
		"not_a_number": _("The position is not a number"),
		"latitude_out_of_range": _("The latitude must be between -90 and 90"),
		"longitude_out_of_range": _("The longitude must be between -180 and 180"),
		"incomplete_coordinates": _("Give both the latitude and the longitude"),
		"far_without_reason": _(
			"You are {0} m from the customer, farther than the {1} m allowed: give a reason to check in here"
		),
		"no_position_without_reason": _("Your position could not be read: give a reason to check in"),
		"imprecise_position_without_reason": _(
			"Your position is only accurate to {2} m: give a reason to check in, or try again outdoors"
		),
	}


class CRMVisit(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		check_in_accuracy: DF.Float
		check_in_at: DF.Datetime | None
		check_in_code: DF.Data | None
		check_in_distance: DF.Float
		check_in_latitude: DF.Float
		check_in_longitude: DF.Float
		check_in_photo: DF.AttachImage | None
		check_in_reason: DF.SmallText | None
		check_out_at: DF.Datetime | None
		check_out_latitude: DF.Float
		check_out_longitude: DF.Float
		commitments: DF.Text | None
		contact: DF.Link | None
		customer: DF.Link
		customer_name: DF.Data | None
		naming_series: DF.Literal["CRM-VIS-.YYYY.-"]
		next_step: DF.SmallText | None
		next_visit: DF.Link | None
		next_visit_in_days: DF.Int
		outcome: DF.Text | None
		planned_end: DF.Datetime | None
		planned_start: DF.Datetime
		previous_visit: DF.Link | None
		problems_raised: DF.Text | None
		purpose: DF.Literal["Care", "Sales", "Collection", "Complaint Follow-up", "Survey"]
		sales_rep: DF.Link
		status: DF.Literal["Planned", "Checked In", "Completed", "Missed", "Cancelled"]
		visit_type: DF.Literal["Phone", "On-site", "Video", "Customer Visits Us"]

	# end: auto-generated types
	def validate(self):
		if self.is_new() or self.has_value_changed("customer"):
			check_customer_access(self.customer, "write")
		self.validate_times_and_customer()
		self.validate_status_change()

	def validate_times_and_customer(self):
		changing_customer = self.is_new() or self.has_value_changed("customer")
		active = not (changing_customer and frappe.db.get_value("CRM Customer", self.customer, "disabled"))
		codes = visits.validate_visit(
			get_datetime(self.planned_start) if self.planned_start else None,
			get_datetime(self.planned_end) if self.planned_end else None,
			get_datetime(self.check_in_at) if self.check_in_at else None,
			get_datetime(self.check_out_at) if self.check_out_at else None,
			customer_active=active,
		)
		if codes:
			messages = visit_messages()
			frappe.throw("<br>".join(messages[c] for c in codes), title=_("Please correct the visit"))

	def validate_status_change(self):
		before = self.get_doc_before_save()
		previous = before.status if before else None
		if self.status == "Checked In" and previous != "Checked In" and not self.flags.checking_in:
			frappe.throw(_("Use the Check In button: it records where and when you checked in"))
		if not visits.allowed_transition(previous, self.status):
			frappe.throw(
				_("A visit cannot go from {0} to {1}").format(_(previous or "New"), _(self.status)),
				title=_("Please correct the visit"),
			)

	def on_update(self):
		if self.status == "Completed" and self.has_value_changed("status") and cint(self.next_visit_in_days):
			self.plan_next_visit()

	def plan_next_visit(self):
		if self.next_visit:
			return
		values = visits.next_visit_defaults(self.as_dict(), cint(self.next_visit_in_days))
		nxt = frappe.get_doc({"doctype": "CRM Visit", "status": "Planned", **values})
		nxt.insert()
		self.db_set("next_visit", nxt.name)

	# ------------------------------------------------------------ check-in and check-out
	@frappe.whitelist()
	def check_in(
		self,
		latitude: float | str | None = None,
		longitude: float | str | None = None,
		accuracy: float | str | None = None,
		reason: str | None = None,
		photo: str | None = None,
	) -> dict:
		"""Check in from a phone: the position is compared with the customer's stored location."""
		self.check_permission("write")
		if self.status != "Planned" and self.status != "Missed":
			frappe.throw(_("Only a planned or missed visit can be checked in"))
		settings = frappe.get_cached_doc("CRM Plus Settings")
		customer = frappe.db.get_value("CRM Customer", self.customer, ["latitude", "longitude"], as_dict=True)
		result = geo.assess_check_in(
			customer.latitude,
			customer.longitude,
			latitude,
			longitude,
			accuracy,
			cint(settings.check_in_distance) or None,
			reason,
			max_accuracy_m=cint(settings.max_position_accuracy) or None,
		)
		if not result.allowed:
			message = (
				visit_messages()
				.get(result.code, result.code)
				.format(result.distance_m, cint(settings.check_in_distance), accuracy)
			)
			frappe.throw(message, title=_("Check-in refused"), exc=CheckInRefused)
		self.update(
			{
				"status": "Checked In",
				"check_in_at": now_datetime(),
				"check_in_latitude": latitude,
				"check_in_longitude": longitude,
				"check_in_accuracy": accuracy,
				"check_in_distance": result.distance_m,
				"check_in_code": result.code,
				"check_in_reason": (reason or "").strip() or None,
			}
		)
		if photo:
			self.check_in_photo = photo
		self.flags.checking_in = True
		allow_server_fields(self).save()
		return {"distance": result.distance_m, "code": result.code}

	@frappe.whitelist()
	def check_out(
		self,
		latitude: float | str | None = None,
		longitude: float | str | None = None,
		outcome: str | None = None,
		accuracy: float | str | None = None,
	) -> dict:
		self.check_permission("write")
		if self.status != "Checked In":
			frappe.throw(_("Check in before checking out"))
		if latitude not in (None, "") or longitude not in (None, ""):
			if code := geo.validate_coordinates(latitude, longitude):
				frappe.throw(visit_messages()[code])
		self.check_out_at = now_datetime()
		self.check_out_latitude = latitude
		self.check_out_longitude = longitude
		if outcome:
			self.outcome = outcome
		self.status = "Completed"
		allow_server_fields(self).save()
		return {"next_visit": self.next_visit}


class CheckInRefused(frappe.ValidationError):
	pass
