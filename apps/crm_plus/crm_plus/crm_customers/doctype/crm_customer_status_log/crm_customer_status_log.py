# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CRMCustomerStatusLog(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		changed_at: DF.Datetime
		changed_by: DF.Link | None
		customer: DF.Link
		days_in_previous_status: DF.Float
		from_status: DF.Data | None
		name: DF.Int | None
		to_status: DF.Data
	# end: auto-generated types
	pass
