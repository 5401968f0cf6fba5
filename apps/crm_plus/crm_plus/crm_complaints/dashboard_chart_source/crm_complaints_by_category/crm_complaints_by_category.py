"""The workspace's "Complaints by Category" chart: complaints per category, the categories in the user's
language (Frappe's Group By chart showed the stored English names), over the complaints the viewer may
read."""

from typing import Any

import frappe
from frappe import _

from crm_plus.domain.charts import widget_data
from crm_plus.report_scope import top_groups

GROUPS = 8


@frappe.whitelist()
@frappe.read_only()
def get(**chart_args: Any) -> dict:
	"""The desk's chart arguments (chart name, filters, dates) are not used: the chart is the viewer's."""
	rows = top_groups("CRM Complaint", "category", "count(*)", GROUPS)
	return widget_data(
		[_(r.category) if r.category else _("Not Specified") for r in rows],
		_("Complaints"),
		[r.figure for r in rows],
	)
