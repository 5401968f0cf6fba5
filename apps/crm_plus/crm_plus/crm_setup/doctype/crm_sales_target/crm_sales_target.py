# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CRMSalesTarget(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from_date: DF.Date
		sales_rep: DF.Link
		target_amount: DF.Currency
		target_new_customers: DF.Int
		to_date: DF.Date
	# end: auto-generated types
	pass
