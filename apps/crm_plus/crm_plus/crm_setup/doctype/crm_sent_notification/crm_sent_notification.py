# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CRMSentNotification(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		key: DF.Data
		name: DF.Int | None
		recipient: DF.Link | None
		reference_doctype: DF.Link | None
		reference_name: DF.DynamicLink | None
		sent_at: DF.Datetime | None
	# end: auto-generated types
	pass
