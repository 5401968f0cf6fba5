# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class CRMSurveyTemplate(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_plus.crm_surveys.doctype.crm_survey_question.crm_survey_question import CRMSurveyQuestion

		introduction: DF.SmallText | None
		questions: DF.Table[CRMSurveyQuestion]
		template_name: DF.Data
		thank_you: DF.SmallText | None

	# end: auto-generated types
	def validate(self):
		for q in self.questions:
			if q.question_type in ("Single Choice", "Multiple Choice") and not (q.options or "").strip():
				frappe.throw(_("Question {0} needs its choices, one per line").format(q.idx))
			if q.question_type == "Rating" and not 2 <= (q.max_rating or 0) <= 10:
				frappe.throw(_("Question {0}: the highest rating must be between 2 and 10").format(q.idx))
