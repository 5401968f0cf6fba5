# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CRMVisitPlanItem(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer: DF.Link
		customer_name: DF.Data | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		planned_date: DF.Date
		purpose: DF.Literal["Care", "Sales", "Collection", "Complaint Follow-up", "Survey"]
		visit: DF.Link | None
		visit_type: DF.Literal["Phone", "On-site", "Video", "Customer Visits Us"]
	# end: auto-generated types
	pass
