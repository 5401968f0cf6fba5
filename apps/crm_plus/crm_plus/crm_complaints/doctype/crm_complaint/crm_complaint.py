# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import add_days, cint, flt, get_datetime, getdate, now_datetime

from crm_plus.crm_complaints import feedback, mail, service_level
from crm_plus.crm_complaints.customer_match import customer_address
from crm_plus.domain import complaint_portal, sla
from crm_plus.security.guards import check_customer_access
from crm_plus.utils import allow_server_fields


class CRMComplaint(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_plus.crm_complaints.doctype.crm_complaint_escalation.crm_complaint_escalation import (
			CRMComplaintEscalation,
		)
		from crm_plus.crm_complaints.doctype.crm_complaint_forward.crm_complaint_forward import (
			CRMComplaintForward,
		)

		account_manager: DF.Link | None
		breach_minutes: DF.Float
		category: DF.Link | None
		channel: DF.Literal["Hotline", "Email", "Web", "WeChat", "In Person", "Survey"]
		closed_at: DF.Datetime | None
		compensation: DF.Currency
		contact: DF.Link | None
		corrective_action: DF.Text | None
		customer: DF.Link | None
		customer_confirmed: DF.Check
		customer_name: DF.Data | None
		department: DF.Data | None
		description: DF.TextEditor
		escalation_level: DF.Int
		escalations: DF.Table[CRMComplaintEscalation]
		feedback_at: DF.Datetime | None
		feedback_comment: DF.SmallText | None
		feedback_expires_at: DF.Datetime | None
		feedback_link: DF.Data | None
		feedback_token: DF.Data | None
		first_response_at: DF.Datetime | None
		forwards: DF.Table[CRMComplaintForward]
		handler: DF.Link | None
		naming_series: DF.Literal["CRM-CMP-.YYYY.-"]
		paused_minutes: DF.Float
		paused_since: DF.Datetime | None
		preventive_action: DF.Text | None
		raised_by: DF.Data | None
		raised_by_name: DF.Data | None
		raised_by_phone: DF.Data | None
		rating: DF.Int
		received_at: DF.Datetime
		reopen_count: DF.Int
		resolution: DF.Text | None
		resolution_by: DF.Datetime | None
		resolved_at: DF.Datetime | None
		response_by: DF.Datetime | None
		response_escalation_level: DF.Int
		response_sla_status: DF.Literal["", "On Track", "At Risk", "Breached", "Met"]
		root_cause: DF.Text | None
		severity: DF.Literal["Low", "Medium", "High", "Critical"]
		sla_policy: DF.Link | None
		sla_status: DF.Literal["", "On Track", "At Risk", "Breached", "Met", "Paused"]
		solution: DF.Link | None
		status: DF.Literal[
			"New", "Acknowledged", "In Progress", "Waiting on Customer", "Resolved", "Closed", "Reopened"
		]
		subject: DF.Data
		transaction: DF.Link | None

	# end: auto-generated types
	def onload(self):
		# The form script reads the done statuses from here (domain.sla holds them once).
		self.set_onload("done_statuses", sorted(sla.DONE_STATUSES))

	def validate(self):
		if self.is_new() or self.has_value_changed("customer"):
			# Not for a complaint the system opens itself (an unhappy survey answer, maybe a Guest's):
			# only code sets this flag, never a request.
			if self.customer and not self.flags.ignore_permissions:
				check_customer_access(self.customer, "read")
			# The rep responsible when the complaint came in (the performance report counts by it).
			self.account_manager = (
				frappe.db.get_value("CRM Customer", self.customer, "account_manager")
				if self.customer
				else None
			)
		mail.mark_inbound(self)
		feedback.keep_customer_answer(self)
		self.validate_inputs()
		if not self.raised_by:  # where the desk's replies go (crm_complaints/mail.py)
			self.raised_by = customer_address(self.contact, self.customer)
		self.track_status()
		service_level.apply(self)

	def on_update(self):
		feedback.after_save(self)

	def validate_inputs(self):
		if not self.customer and self.channel not in complaint_portal.SELF_SERVICE_CHANNELS:
			# Email and Web complaints may come from someone not (yet) known as a customer.
			frappe.throw(_("Please choose the customer"), frappe.MandatoryError)
		if get_datetime(self.received_at) > now_datetime():
			frappe.throw(_("A complaint cannot be received in the future"))
		if self.rating not in (None, "", 0) and not 1 <= cint(self.rating) <= 5:
			frappe.throw(_("The customer's rating must be between 1 and 5"))
		if flt(self.compensation) < 0:
			frappe.throw(_("Compensation cannot be negative"))
		if self.status in sla.DONE_STATUSES and not (self.resolution or "").strip():
			frappe.throw(_("Please describe the resolution before resolving or closing the complaint"))

	def track_status(self):
		before = self.get_doc_before_save()
		previous = before.status if before else None
		if previous == self.status:
			return
		now = now_datetime()
		# The first response: the handler acknowledges or otherwise moves the complaint on (or it is
		# logged already past New); comments and replies count too (record_first_response).
		if not self.first_response_at and (
			previous is not None or self.status in service_level.RESPONDED_STATUSES
		):
			self.first_response_at = now
		if previous == "Waiting on Customer" and self.paused_since:
			self.paused_minutes = flt(self.paused_minutes) + service_level.minutes_of_current_pause(self, now)
			self.paused_since = None
		if self.status == "Waiting on Customer":
			self.paused_since = now
		if self.status == "Resolved":
			self.resolved_at = now
			feedback.issue_link(self, now)
		if self.status == "Closed":
			self.closed_at = now
			self.resolved_at = self.resolved_at or now
		if self.status == "Reopened":
			self.check_reopen(previous, now)

	def check_reopen(self, previous, now):
		if previous not in sla.DONE_STATUSES:
			frappe.throw(_("Only a resolved or closed complaint can be reopened"))
		window = cint(frappe.db.get_single_value("CRM Plus Settings", "reopen_window_days"))
		done = getdate(self.closed_at or self.resolved_at)
		if window and getdate(now) > add_days(done, window):
			frappe.throw(
				_("This complaint was closed more than {0} days ago: log a new complaint instead").format(
					window
				)
			)
		self.reopen_count = cint(self.reopen_count) + 1
		self.resolved_at = self.closed_at = None

	@frappe.whitelist()
	def forward(self, department: str, user: str, note: str | None = None) -> str | None:
		"""Forward to another department as a tracked task (反馈提交): a ToDo for the user, logged here."""
		from frappe.desk.form.assign_to import add as assign

		self.check_permission("write")
		if not (department or "").strip() or not frappe.db.exists(
			"User", {"name": user, "enabled": 1, "user_type": "System User"}
		):
			frappe.throw(_("Choose the department and an active user to forward the complaint to"))
		if not frappe.has_permission(self.doctype, "read", self.name, user=user):
			# The department reads the complaint it is asked to act on. Sharing is the forwarding
			# user's right here (they may edit the complaint), not a role permission they lack.
			from frappe.share import add_docshare

			add_docshare(self.doctype, self.name, user, read=1, flags={"ignore_share_permission": True})
			frappe.clear_messages()
		assign(
			{
				"assign_to": [user],
				"doctype": self.doctype,
				"name": self.name,
				"description": _("Forwarded from the service desk ({0}): {1}").format(
					department, note or self.subject
				),
			}
		)
		todo = frappe.db.get_value(
			"ToDo",
			{
				"reference_type": self.doctype,
				"reference_name": self.name,
				"allocated_to": user,
				"status": "Open",
			},
			"name",
		)
		self.append(
			"forwards",
			{
				"department": department,
				"forwarded_to": user,
				"forwarded_at": now_datetime(),
				"note": note,
				"todo": todo,
			},
		)
		allow_server_fields(self).save()
		return todo


def set_handler_from_assignment(doc, method=None):
	"""ToDo after_insert: a complaint assigned by an Assignment Rule (or by hand) gets its handler."""
	if doc.reference_type == "CRM Complaint" and doc.allocated_to and doc.status == "Open":
		if not frappe.db.get_value("CRM Complaint", doc.reference_name, "handler"):
			frappe.db.set_value(
				"CRM Complaint", doc.reference_name, "handler", doc.allocated_to, update_modified=False
			)


def record_first_response(doc, method=None):
	"""Comment and Communication after_insert: a comment, or a reply sent from the complaint, by the
	handler or any other staff member (a desk user, not the customer on the portal) is the complaint's
	first response when none was recorded yet. Saved as a document, so the response state turns Met
	and the site's own notifications on it run."""
	if doc.reference_doctype != "CRM Complaint" or not doc.reference_name:
		return
	if doc.doctype == "Comment" and doc.comment_type != "Comment":
		return
	if doc.doctype == "Communication" and (
		doc.communication_type != "Communication" or doc.sent_or_received != "Sent"
	):
		return
	actor = doc.owner or frappe.session.user
	if actor == "Guest" or frappe.db.get_value("User", actor, "user_type") != "System User":
		return
	first, status = frappe.db.get_value(
		"CRM Complaint", doc.reference_name, ["first_response_at", "status"]
	) or (None, None)
	if first or status not in sla.OPEN_STATUSES:
		return
	# Recording the response must never cost the staff member their comment or reply.
	frappe.db.savepoint("crm_plus_first_response")
	try:
		complaint = frappe.get_doc("CRM Complaint", doc.reference_name)
		complaint.first_response_at = doc.creation or now_datetime()
		complaint.flags.ignore_permissions = True  # a commenter may only read; the record is the server's
		allow_server_fields(complaint).save()
	except Exception:
		frappe.db.rollback(save_point="crm_plus_first_response")
		frappe.log_error(
			title=_("CRM Plus: first response of complaint {0} not recorded").format(doc.reference_name)
		)
