# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CRMCustomerGrade(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		annual_visit_target: DF.Int
		color: DF.Color | None
		description: DF.SmallText | None
		grade_name: DF.Data
		min_score: DF.Float
		notify_on_downgrade: DF.Check
		rank: DF.Int
	# end: auto-generated types
	pass
