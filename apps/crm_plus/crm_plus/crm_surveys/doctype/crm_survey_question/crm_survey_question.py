# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CRMSurveyQuestion(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		max_rating: DF.Int
		options: DF.SmallText | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		question: DF.Data
		question_type: DF.Literal["Satisfaction", "NPS", "Rating", "Single Choice", "Multiple Choice", "Text"]
		required: DF.Check
		section: DF.Data | None
		weight: DF.Float
	# end: auto-generated types
	pass
