# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_plus.crm_surveys import progress
from crm_plus.domain.surveys import negated


class CRMSurveyResponse(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_plus.crm_surveys.doctype.crm_survey_answer.crm_survey_answer import CRMSurveyAnswer

		account_manager: DF.Link | None
		answers: DF.Table[CRMSurveyAnswer]
		average_score: DF.Float
		campaign: DF.Link | None
		channel: DF.Literal["Web Link", "Phone", "Face to Face"]
		csat: DF.Percent
		customer: DF.Link
		customer_name: DF.Data | None
		follow_up: DF.Link | None
		follow_up_pending: DF.Check
		invitation: DF.Link | None
		nps_score: DF.Int
		submitted_at: DF.Datetime | None
		unhappy: DF.Check

	# end: auto-generated types
	def before_insert(self):
		# The rep serving the customer when they answered (the performance report averages by it).
		if self.customer and not self.account_manager:
			self.account_manager = frappe.db.get_value("CRM Customer", self.customer, "account_manager")

	# The campaign's progress adds every response's answers stored, edited or deleted here (the public
	# page and the agents' answers count theirs with the invitation's status, in one update): the
	# response's row is written or locked first, the campaign's row last (crm_surveys.progress).
	def after_insert(self):
		if not self.flags.progress_counted:
			progress.count(self.campaign, progress.response_sums(self.answers))

	def on_update(self):
		before = self.get_doc_before_save()  # read with the row's lock (check_if_latest)
		if not before:
			return
		old, new = progress.response_sums(before.answers), progress.response_sums(self.answers)
		if (before.campaign, old) != (self.campaign, new):
			progress.count_move(before.campaign, negated(old), self.campaign, new)

	def on_trash(self):
		campaign = frappe.db.sql(
			"select campaign from `tabCRM Survey Response` where name = %s for update", self.name
		)
		if campaign:
			progress.count(campaign[0][0], negated(progress.response_sums(self.answers)))
