# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CRMCustomerEvent(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer: DF.Link
		description: DF.Text | None
		event_date: DF.Date
		event_type: DF.Literal[
			"Ownership Change",
			"Management Change",
			"Merger or Acquisition",
			"Financial Difficulty",
			"Legal Dispute",
			"Major Order",
			"Contract Change",
			"Deactivated",
			"Restored",
			"Other",
		]
		name: DF.Int | None
		title: DF.Data
	# end: auto-generated types
	pass
