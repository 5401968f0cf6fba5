# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


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
