# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt
"""CSAT and NPS per month, overall or by grade or rep, from the answers (one GROUP BY)."""

import frappe
from frappe import _

from crm_plus.domain.charts import drawable
from crm_plus.domain.performance import rate
from crm_plus.report_columns import column
from crm_plus.report_people import with_names
from crm_plus.report_scope import customer_condition, org_condition, period

GROUPS = {"Month": None, "Grade": "c.grade", "Account Manager": "c.account_manager"}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	start, end = period(filters)
	by = GROUPS.get(filters.get("group_by") or "Month", None)
	group_expr = by or "''"
	rows = frappe.db.sql(
		f"""
		select date_format(r.submitted_at, '%%Y-%%m') as month, {group_expr} as grp,
			sum(a.question_type = 'Satisfaction') as satisfaction_answers,
			sum(a.question_type = 'Satisfaction' and a.score >= 4) as satisfied,
			avg(case when a.question_type = 'Satisfaction' then a.score end) as average,
			sum(a.question_type = 'NPS') as nps_answers,
			sum(a.question_type = 'NPS' and a.score >= 9) as promoters,
			sum(a.question_type = 'NPS' and a.score <= 6) as detractors
		from `tabCRM Survey Answer` a
		join `tabCRM Survey Response` r on r.name = a.parent and a.parenttype = 'CRM Survey Response'
		join `tabCRM Customer` c on c.name = r.customer
		where date(r.submitted_at) between %(start)s and %(end)s
			and {customer_condition("c")} and {org_condition(filters, "c")}
		group by month, grp order by month, grp
		""",
		{"start": start, "end": end},
		as_dict=True,
	)
	for r in rows:
		r["csat"] = rate(r.satisfied, r.satisfaction_answers)
		nps = rate((r.promoters or 0) - (r.detractors or 0), r.nps_answers)
		r["nps"] = nps
		r["average"] = round(r.average, 2) if r.average is not None else None
		r["grp"] = _(r.grp) if r.grp else ""
	months = sorted({r.month for r in rows})
	overall = {m: [r for r in rows if r.month == m] for m in months}
	chart = {
		"data": {
			"labels": months,
			"datasets": [
				{
					"name": _("CSAT %"),
					"values": [
						rate(
							sum(x.satisfied or 0 for x in overall[m]),
							sum(x.satisfaction_answers or 0 for x in overall[m]),
						)
						or 0
						for m in months
					],
				},
				{
					"name": _("NPS"),
					"values": [
						rate(
							sum((x.promoters or 0) - (x.detractors or 0) for x in overall[m]),
							sum(x.nps_answers or 0 for x in overall[m]),
						)
						or 0
						for m in months
					],
				},
			],
		},
		"type": "line",
	}
	return with_names((columns(filters.get("group_by") or "Month"), rows, None, drawable(chart)), ("grp",))


def columns(group_by):
	cols = [column("month", _("Month"), "Data", 100)]
	if group_by != "Month":
		cols.append(column("grp", _(group_by), "Data", 180))
	return [
		*cols,
		column("satisfaction_answers", _("Satisfaction Answers"), "Int", 140),
		column("average", _("Average Score"), "Float", 120),
		column("csat", _("CSAT %"), "Percent", 100),
		column("nps_answers", _("NPS Answers"), "Int", 110),
		column("nps", _("NPS"), "Float", 90),
	]
