# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt
"""A Pareto of complaint causes for a period (seed 002, table 4.1 投诉因素比例表)."""

import frappe
from frappe import _
from frappe.utils import add_days

from crm_plus.domain.performance import pareto
from crm_plus.report_columns import column
from crm_plus.report_scope import customer_condition, org_condition, period


def execute(filters=None):
	filters = frappe._dict(filters or {})
	start, end = period(filters)
	counts = dict(
		frappe.db.sql(
			f"""
			select coalesce(x.category, ''), count(*)
			from `tabCRM Complaint` x join `tabCRM Customer` c on c.name = x.customer
			where x.received_at >= %(start)s and x.received_at < %(until)s
				and {customer_condition("c")} and {org_condition(filters, "c")}
			group by x.category
			""",
			{"start": start, "end": end, "until": add_days(end, 1)},
		)
	)
	rows = pareto({(cause or _("Not Categorised")): n for cause, n in counts.items()})
	for r in rows:
		r["cause_label"] = _(r["cause"])
	chart = {
		"data": {
			"labels": [r["cause_label"] for r in rows],
			"datasets": [
				{"name": _("Complaints"), "chartType": "bar", "values": [r["count"] for r in rows]},
				{"name": _("Cumulative %"), "chartType": "line", "values": [r["cumulative"] for r in rows]},
			],
		},
		"type": "axis-mixed",
	}
	return columns(), rows, None, chart


def columns():
	return [
		column("cause_label", _("Cause"), "Data", 260),
		column("count", _("Complaints"), "Int", 110),
		column("share", _("Share %"), "Percent", 100),
		column("cumulative", _("Cumulative %"), "Percent", 120),
		column("vital", _("Vital Few"), "Check", 90),
	]
