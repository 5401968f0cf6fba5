# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt
"""Grade migration between two dates: a from/to matrix built from the grade history."""

import frappe
from frappe import _

from crm_plus.domain.performance import migration_matrix
from crm_plus.report_columns import column
from crm_plus.report_scope import customer_condition, org_condition, period


def grades_at(moment, where: str) -> dict[str, str]:
	"""Each visible customer's grade at the end of a day: the last change logged by then (one query)."""
	return dict(
		frappe.db.sql(
			f"""
			select l.customer, l.to_grade from `tabCRM Customer Grade Log` l
			join (
				select customer, max(name) as last from `tabCRM Customer Grade Log`
				where changed_at < date_add(%(moment)s, interval 1 day) group by customer
			) m on m.last = l.name
			join `tabCRM Customer` c on c.name = l.customer
			where {where}
			""",
			{"moment": moment},
		)
	)


def execute(filters=None):
	filters = frappe._dict(filters or {})
	start, end = period(filters)
	where = f"{customer_condition('c')} and {org_condition(filters, 'c')}"
	grades = frappe.get_all("CRM Customer Grade", order_by="`rank` asc", pluck="name")
	matrix = migration_matrix(grades_at(start, where), grades_at(end, where), grades)
	labels = [*grades, ""]
	rows = []
	for src in labels:
		row = {"from_grade": _(src) if src else _("Not Graded")}
		row.update({frappe.scrub(dst or "not_graded"): matrix.get(src, {}).get(dst, 0) for dst in labels})
		row["total"] = sum(matrix.get(src, {}).values())
		rows.append(row)
	columns = [column("from_grade", _("From \\ To"), "Data", 140)]
	columns += [
		column(frappe.scrub(g or "not_graded"), _(g) if g else _("Not Graded"), "Int", 110) for g in labels
	]
	columns.append(column("total", _("Total"), "Int", 90))
	rank = {g: i for i, g in enumerate(grades)}
	moves = {"up": 0, "same": 0, "down": 0}
	for src in grades:
		for dst in grades:
			kind = "same" if src == dst else ("up" if rank[dst] < rank[src] else "down")
			moves[kind] += matrix.get(src, {}).get(dst, 0)
	chart = {
		"data": {
			"labels": [_("Upgraded"), _("Unchanged"), _("Downgraded")],
			"datasets": [{"name": _("Customers"), "values": [moves["up"], moves["same"], moves["down"]]}],
		},
		"type": "bar",
	}
	return columns, rows, None, chart
