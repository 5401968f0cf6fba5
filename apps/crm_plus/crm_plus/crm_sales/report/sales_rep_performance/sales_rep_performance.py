# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt
"""Sales rep performance for a period (业绩考核): one GROUP BY query per section, joined in Python."""

import frappe
from frappe import _
from frappe.utils import add_days

from crm_plus import report_cache
from crm_plus.crm_sales.doctype.crm_opportunity.crm_opportunity import stages
from crm_plus.domain.funnel import weighted, win_rate
from crm_plus.domain.performance import rank, rate
from crm_plus.report_columns import column
from crm_plus.report_people import with_names
from crm_plus.report_scope import (
	created_between,
	customer_condition,
	org_condition,
	org_filtered,
	owned_condition,
	period,
	rep_condition,
	viewer_unrestricted,
)

COUNTS = (
	"transactions",
	"new_customers",
	"converted",
	"visits_planned",
	"visits_completed",
	"complaints",
	"new_leads",
	"converted_leads",
	"won",
	"lost",
)


def execute(filters=None):
	"""A rerun within minutes comes from the viewer's own cache entry (crm_plus.report_cache)."""
	return report_cache.cached("Sales Rep Performance", filters, report)


def report(filters=None):
	filters = frappe._dict(filters or {})
	start, end = period(filters)
	cond = f"{customer_condition('c')} and {org_condition(filters, 'c')}"
	# Join the customers only when their rows narrow the result (a restricted viewer, an org filter).
	restricted = not viewer_unrestricted() or org_filtered(filters)

	def customers_of(alias: str) -> str:
		return f"join `tabCRM Customer` c on c.name = {alias}.customer" if restricted else ""

	args = {"start": start, "end": end, "until": add_days(end, 1)}
	rows: dict[str, dict] = {}

	def section(sql: str) -> list[dict]:
		return frappe.db.sql(sql, args, as_dict=True)

	def customer_records_by_rep(
		table: str, rep: str, moment: str, figures: str, also: str = "1=1"
	) -> list[dict]:
		"""`figures` of a customer's records (`table` is "DocType alias") made in the period, by the rep
		`rep` names; the viewer's customers only."""
		doctype, alias = table.rsplit(" ", 1)
		return section(f"""
		select {rep} as rep, {figures}
		from `tab{doctype}` {alias} {customers_of(alias)}
		where {moment} >= %(start)s and {moment} < %(until)s and {also}
			and {cond if restricted else "1=1"} and {rep_condition(rep)}
		group by {rep}""")

	def add(section_rows, rep_key="rep"):
		for r in section_rows:
			if r[rep_key]:
				rows.setdefault(r[rep_key], {"rep": r[rep_key]}).update(
					{k: v for k, v in r.items() if k != rep_key}
				)

	add(
		section(f"""
		select t.sales_person as rep, sum(t.amount) as sales, sum(t.gross_profit) as gross_profit, count(*) as transactions
		from `tabCRM Customer Transaction` t {customers_of("t")}
		where t.posting_date between %(start)s and %(end)s and {cond if restricted else "1=1"}
			and {rep_condition("t.sales_person")}
		group by t.sales_person""")
	)
	add(
		section(f"""
		select c.account_manager as rep, count(*) as new_customers
		from `tabCRM Customer` c
		where c.creation >= %(start)s and c.creation < %(until)s and {cond} and {rep_condition("c.account_manager")}
		group by c.account_manager""")
	)
	add(
		section(f"""
		select c.account_manager as rep, count(distinct l.customer) as converted
		from `tabCRM Customer Status Log` l join `tabCRM Customer` c on c.name = l.customer
		where l.to_status = 'First Purchase' and l.changed_at >= %(start)s and l.changed_at < %(until)s
			and {cond} and {rep_condition("c.account_manager")}
		group by c.account_manager""")
	)
	add(
		customer_records_by_rep(
			"CRM Visit v",
			"v.sales_rep",
			"v.planned_start",
			"count(*) as visits_planned, sum(v.status = 'Completed') as visits_completed",
		)
	)
	add(
		section(f"""
		select c.account_manager as rep, count(distinct c.name) as key_customers,
			count(distinct v.customer) as key_customers_visited
		from `tabCRM Customer` c left join `tabCRM Visit` v on v.customer = c.name and v.status = 'Completed'
			and v.planned_start >= %(start)s and v.planned_start < %(until)s
		where c.grade in (select g.name from `tabCRM Customer Grade` g where g.annual_visit_target > 0)
			and c.disabled = 0 and {cond} and {rep_condition("c.account_manager")}
		group by c.account_manager""")
	)
	# Complaints and answers count for the rep who had the customer when they came in (like sales).
	add(
		customer_records_by_rep(
			"CRM Complaint x", "x.account_manager", "x.received_at", "count(*) as complaints"
		)
	)
	add(
		customer_records_by_rep(
			"CRM Survey Response r",
			"r.account_manager",
			"r.submitted_at",
			"avg(r.average_score) as satisfaction",
			"r.average_score is not null",
		)
	)
	add(
		section(f"""
		select s.sales_rep as rep, sum(s.target_amount) as target
		from `tabCRM Sales Target` s
		where s.from_date >= %(start)s and s.to_date <= %(end)s and {rep_condition("s.sales_rep")}
		group by s.sales_rep""")
	)

	add_pipeline(filters, section, add)

	data = sorted(rows.values(), key=lambda r: (-(r.get("sales") or 0), r["rep"]))
	for r in data:
		for key in COUNTS:
			r.setdefault(key, 0)
		r["completion"] = rate(r.get("visits_completed"), r.get("visits_planned"))
		r["coverage"] = rate(r.get("key_customers_visited"), r.get("key_customers"))
		r["achievement"] = rate(r.get("sales"), r.get("target"))
		r["satisfaction"] = round(r["satisfaction"], 2) if r.get("satisfaction") is not None else None
		r["win_rate"] = win_rate(r["won"], r["lost"])
	for r, position in zip(data, rank(data, "sales"), strict=True):
		r["ranking"] = position
	chart = {
		"data": {
			"labels": [r["rep"] for r in data[:20]],
			"datasets": [{"name": _("Sales"), "values": [r.get("sales") or 0 for r in data[:20]]}],
		},
		"type": "bar",
	}
	return with_names((columns(), data, None, chart))


def add_pipeline(filters, section, add) -> None:
	"""The sales funnel per rep (issue 15): leads created and converted in the period, the open pipeline
	now (its value and weighted by the stages' probabilities) and the opportunities won and lost in the
	period (the day they entered the won or lost stage). Leads and opportunities carry their owner, team
	and division, so the viewer's rule applies to them directly."""
	for doctype, alias, date_field, key in (
		("CRM Lead", "l", "creation", "new_leads"),
		("CRM Lead", "l", "converted_on", "converted_leads"),
	):
		add(
			section(f"""
			select {alias}.account_manager as rep, count(*) as {key}
			from `tab{doctype}` {alias}
			where {created_between(f"{alias}.{date_field}")} and {owned_condition(doctype, alias)}
				and {org_condition(filters, alias)} and {rep_condition(f"{alias}.account_manager")}
			group by {alias}.account_manager""")
		)
	opportunities = f"""{owned_condition("CRM Opportunity", "o")} and {org_condition(filters, "o")}
		and {rep_condition("o.account_manager")}"""
	known = stages()
	pipeline: dict[str, dict] = {}
	for r in section(f"""
		select o.account_manager as rep, o.stage, sum(o.expected_amount) as amount
		from `tabCRM Opportunity` o
		where o.status = 'Open' and {opportunities}
		group by o.account_manager, o.stage"""):
		totals = pipeline.setdefault(r.rep, {"rep": r.rep, "open_pipeline": 0.0, "weighted_pipeline": 0.0})
		totals["open_pipeline"] += float(r.amount or 0)
		if r.stage in known:
			totals["weighted_pipeline"] += weighted(r.amount, known[r.stage])
	for totals in pipeline.values():
		totals["open_pipeline"] = round(totals["open_pipeline"], 2)
		totals["weighted_pipeline"] = round(totals["weighted_pipeline"], 2)
	add(pipeline.values())
	add(
		section(f"""
		select o.account_manager as rep, sum(o.status = 'Won') as won, sum(o.status = 'Lost') as lost
		from `tabCRM Opportunity` o
		where o.status in ('Won', 'Lost') and {created_between("o.stage_since")} and {opportunities}
		group by o.account_manager""")
	)


def columns():
	return [
		column("ranking", _("Rank"), "Int", 70),
		column("rep", _("Sales Rep"), "Link", 200, "User"),
		column("sales", _("Sales"), "Currency", 120),
		column("gross_profit", _("Gross Profit"), "Currency", 120),
		column("transactions", _("Transactions"), "Int", 100),
		column("target", _("Sales Target"), "Currency", 120),
		column("achievement", _("Target Achieved %"), "Percent", 120),
		column("new_customers", _("New Customers"), "Int", 110),
		column("converted", _("Converted Customers"), "Int", 120),
		column("visits_planned", _("Visits Planned"), "Int", 110),
		column("visits_completed", _("Visits Completed"), "Int", 120),
		column("completion", _("Visit Completion %"), "Percent", 120),
		column("coverage", _("Key Customers Visited %"), "Percent", 140),
		column("complaints", _("Complaints"), "Int", 100),
		column("satisfaction", _("Average Satisfaction"), "Float", 130),
		column("new_leads", _("New Leads"), "Int", 100),
		column("converted_leads", _("Converted Leads"), "Int", 120),
		column("open_pipeline", _("Open Pipeline"), "Currency", 130),
		column("weighted_pipeline", _("Weighted Pipeline"), "Currency", 140),
		column("won", _("Won"), "Int", 70),
		column("lost", _("Lost"), "Int", 70),
		column("win_rate", _("Win Rate %"), "Percent", 100),
	]
