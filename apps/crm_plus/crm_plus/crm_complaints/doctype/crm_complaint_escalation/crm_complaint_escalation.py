# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CRMComplaintEscalation(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		alert_pending: DF.Check
		clock: DF.Literal["Resolution", "Response"]
		escalated_at: DF.Datetime | None
		escalated_to: DF.Link | None
		level: DF.Int
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		reason: DF.Data | None
		target_role: DF.Data | None
	# end: auto-generated types
	pass
