# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CRMPoolLog(Document):
	"""A release of a lead to its division's pool (公海) or a claim from it; written by the pool's jobs
	and claims only (read-only for every role)."""
