# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_plus.crm_surveys import progress
from crm_plus.domain.surveys import status_change


class CRMSurveyInvitation(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		answered_at: DF.Datetime | None
		campaign: DF.Link
		channel: DF.Literal["Web Link", "Phone", "Face to Face"]
		customer: DF.Link
		customer_name: DF.Data | None
		delivery_note: DF.SmallText | None
		delivery_status: DF.Literal["", "Queued", "Sent", "Failed", "Bounced"]
		email: DF.Data | None
		expires_at: DF.Datetime | None
		opened_at: DF.Datetime | None
		reminded_at: DF.Datetime | None
		sent_at: DF.Datetime | None
		status: DF.Literal["Pending", "Sent", "Opened", "Answered", "Expired"]
		survey_link: DF.Data | None
		token: DF.Data | None

	# end: auto-generated types
	# The campaign's progress follows every invitation made, edited or deleted here (the public page and
	# the answers count their own changes, past the controller): the invitation's row is written or
	# locked first, the campaign's row last (crm_surveys.progress).
	def after_insert(self):
		if not self.flags.progress_counted:
			progress.count(self.campaign, status_change(None, self.status))

	def on_update(self):
		before = self.get_doc_before_save()  # read with the row's lock (check_if_latest)
		if before and (before.campaign, before.status) != (self.campaign, self.status):
			progress.count_move(
				before.campaign,
				status_change(before.status, None),
				self.campaign,
				status_change(None, self.status),
			)

	def on_trash(self):
		current = frappe.db.sql(
			"select campaign, status from `tabCRM Survey Invitation` where name = %s for update", self.name
		)
		if current:
			progress.count(current[0][0], status_change(current[0][1], None))
