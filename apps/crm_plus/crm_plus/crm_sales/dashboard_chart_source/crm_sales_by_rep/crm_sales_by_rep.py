"""The workspace's "Sales by Rep" chart: sales per rep, the reps by name (Frappe's Group By chart showed
their e-mail addresses), over the transactions the viewer may read."""

from typing import Any

import frappe
from frappe import _

from crm_plus.domain.charts import widget_data
from crm_plus.report_people import full_names
from crm_plus.report_scope import top_groups

GROUPS = 10


@frappe.whitelist()
@frappe.read_only()
def get(**chart_args: Any) -> dict:
	"""The desk's chart arguments (chart name, filters, dates) are not used: the chart is the viewer's."""
	rows = top_groups(
		"CRM Customer Transaction", "sales_person", "sum(amount)", GROUPS, {"sales_person": ("is", "set")}
	)
	names = full_names(r.sales_person for r in rows)
	return widget_data(
		[names.get(r.sales_person, r.sales_person) for r in rows],
		_("Sales"),
		[float(r.figure or 0) for r in rows],
	)
