"""The workspace's "Complaints by Category" chart: complaints per category, the categories in the user's
language (Frappe's Group By chart showed the stored English names), over the complaints the viewer may
read."""

from typing import Any

import frappe
from frappe import _

from crm_plus.domain.charts import drawable

GROUPS = 8


@frappe.whitelist()
@frappe.read_only()
def get(**chart_args: Any) -> dict:
	"""The desk's chart arguments (chart name, filters, dates) are not used: the chart is the viewer's."""
	rows = frappe.get_list(
		"CRM Complaint",
		fields=["category", "count(*) as n"],
		group_by="category",
		order_by="n desc, category asc",  # ties in a fixed order: the same chart from any server
		limit_page_length=GROUPS,
	)
	data = drawable(
		{
			"data": {
				"labels": [_(r.category) if r.category else _("Not Specified") for r in rows],
				"datasets": [{"name": _("Complaints"), "values": [r.n for r in rows]}],
			}
		}
	)
	return data["data"] if data else {}
