# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CRMPoolLog(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		action: DF.Literal["Release", "Claim"]
		division: DF.Link | None
		logged_at: DF.Datetime
		name: DF.Int | None
		reference_doctype: DF.Link
		reference_name: DF.DynamicLink
		user: DF.Link | None
	# end: auto-generated types
	"""A release of a lead to its division's pool (公海) or a claim from it; written by the pool's jobs
	and claims only (read-only for every role)."""
