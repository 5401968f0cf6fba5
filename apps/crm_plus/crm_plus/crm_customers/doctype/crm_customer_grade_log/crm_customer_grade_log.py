# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CRMCustomerGradeLog(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		changed_at: DF.Datetime
		changed_by: DF.Link | None
		customer: DF.Link
		from_grade: DF.Link | None
		is_downgrade: DF.Check
		name: DF.Int | None
		reason: DF.SmallText | None
		score: DF.Float
		source: DF.Literal["Suggested", "Regrade", "Manual"]
		to_grade: DF.Link | None
	# end: auto-generated types
	pass
