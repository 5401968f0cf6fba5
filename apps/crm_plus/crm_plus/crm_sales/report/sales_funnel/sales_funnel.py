# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt
"""The sales funnel (销售漏斗): per stage in stage order, the opportunities now in it and their amount,
the weighted pipeline, how many reached it and went on to the next stage (from the stage log), and the
average days a stay in it lasted. One GROUP BY query per section; the arithmetic is domain.funnel."""

import frappe
from frappe import _
from frappe.utils import add_days

from crm_plus import report_cache
from crm_plus.crm_sales.doctype.crm_opportunity.crm_opportunity import stages
from crm_plus.domain import funnel
from crm_plus.domain.charts import drawable
from crm_plus.report_columns import column
from crm_plus.report_scope import created_between, org_condition, owned_condition, period

EXPECTED_CLOSE = "Expected Close"


def execute(filters=None):
	"""A rerun within minutes comes from the viewer's own cache entry (crm_plus.report_cache)."""
	return report_cache.cached("Sales Funnel", filters, report)


def report(filters=None):
	filters = frappe._dict(filters or {})
	rows = funnel_data(filters)
	return columns(), rows, None, chart(rows)


def opportunity_condition(filters, alias: str = "o") -> str:
	"""The viewer's opportunities in the period and the organisation filters (sargable on the date)."""
	if filters.get("date_basis") == EXPECTED_CLOSE:
		when = f"{alias}.expected_close_date between %(start)s and %(end)s"
	else:
		when = created_between(f"{alias}.creation")
	return f"{when} and {owned_condition('CRM Opportunity', alias)} and {org_condition(filters, alias)}"


def funnel_data(filters) -> list[dict]:
	start, end = period(filters)
	args = {"start": start, "end": end, "until": add_days(end, 1)}
	cond = opportunity_condition(filters)
	current = frappe.db.sql(
		f"""select o.stage, count(*) as n, sum(o.expected_amount) as amount
		from `tabCRM Opportunity` o where {cond} group by o.stage""",
		args,
		as_dict=True,
	)
	# The furthest stage (by order, lost stages left out) each opportunity's log shows it entered.
	furthest = frappe.db.sql(
		f"""select f.furthest, count(*) as n from (
			select max(s.stage_order) as furthest
			from `tabCRM Opportunity` o
			join `tabCRM Opportunity Stage Log` l on l.opportunity = o.name
			join `tabCRM Opportunity Stage` s on s.name = l.to_stage and s.is_lost = 0
			where {cond} group by o.name) f
		group by f.furthest""",
		args,
		as_dict=True,
	)
	days = frappe.db.sql(
		f"""select l.from_stage as stage, sum(l.days_in_previous_stage) as days, count(*) as n
		from `tabCRM Opportunity` o join `tabCRM Opportunity Stage Log` l on l.opportunity = o.name
		where {cond} and l.from_stage is not null and l.days_in_previous_stage is not null
		group by l.from_stage""",
		args,
		as_dict=True,
	)
	return funnel.funnel_rows(
		stages().values(),
		{r.stage: (r.n, r.amount) for r in current},
		{r.furthest: r.n for r in furthest},
		{r.stage: (r.days, r.n) for r in days},
	)


def chart(rows: list[dict]) -> dict:
	"""Bars by stage in stage order, the opportunities that reached each: it narrows like a funnel."""
	path = [r for r in rows if r["reached"] is not None]
	return drawable(
		{
			"data": {
				"labels": [_(r["stage"]) for r in path],
				"datasets": [{"name": _("Reached"), "values": [r["reached"] for r in path]}],
			},
			"type": "bar",
		},
		counts=True,
	)


def columns():
	return [
		column("stage", _("Stage"), "Link", 160, "CRM Opportunity Stage"),
		column("probability", _("Probability"), "Percent", 100),
		column("count", _("Opportunities"), "Int", 110),
		column("amount", _("Expected Amount"), "Currency", 140),
		column("weighted", _("Weighted Pipeline"), "Currency", 140),
		column("reached", _("Reached"), "Int", 90),
		column("conversion", _("To Next Stage %"), "Percent", 120),
		column("average_days", _("Average Days in Stage"), "Float", 140),
	]
