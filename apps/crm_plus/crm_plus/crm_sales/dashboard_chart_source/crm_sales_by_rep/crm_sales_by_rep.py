"""The workspace's "Sales by Rep" chart: sales per rep, the reps by name (Frappe's Group By chart showed
their e-mail addresses), over the transactions the viewer may read."""

from typing import Any

import frappe
from frappe import _

from crm_plus.domain.charts import drawable
from crm_plus.report_people import full_names

GROUPS = 10


@frappe.whitelist()
@frappe.read_only()
def get(**chart_args: Any) -> dict:
	"""The desk's chart arguments (chart name, filters, dates) are not used: the chart is the viewer's."""
	rows = frappe.get_list(
		"CRM Customer Transaction",
		fields=["sales_person", "sum(amount) as total"],
		filters={"sales_person": ("is", "set")},
		group_by="sales_person",
		order_by="total desc, sales_person asc",  # ties in a fixed order: the same chart from any server
		limit_page_length=GROUPS,
	)
	names = full_names(r.sales_person for r in rows)
	data = drawable(
		{
			"data": {
				"labels": [names.get(r.sales_person, r.sales_person) for r in rows],
				"datasets": [{"name": _("Sales"), "values": [float(r.total or 0) for r in rows]}],
			}
		}
	)
	return data["data"] if data else {}
