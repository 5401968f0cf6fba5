# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt
"""Sales rep performance for a period (业绩考核): one GROUP BY query per section, joined in Python."""

import frappe
from frappe import _

from crm_plus.crm_plus.report_utils import customer_condition, org_condition, period, rep_condition
from crm_plus.domain.performance import rank, rate

SECTIONS = ("sales", "customers", "visits", "coverage", "complaints", "satisfaction", "targets")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	start, end = period(filters)
	cond = f"{customer_condition('c')} and {org_condition(filters, 'c')}"
	# Join the customers only when their rows narrow the result (a restricted viewer, an org filter).
	restricted = cond != "1=1 and 1=1"

	def customers_of(alias: str) -> str:
		return f"join `tabCRM Customer` c on c.name = {alias}.customer" if restricted else ""

	args = {"start": start, "end": end}
	rows: dict[str, dict] = {}

	def section(sql: str) -> list[dict]:
		return frappe.db.sql(sql, args, as_dict=True)

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
		select c.account_manager as rep, sum(date(c.creation) between %(start)s and %(end)s) as new_customers,
			sum(exists(select 1 from `tabCRM Customer Status Log` l where l.customer = c.name
				and l.to_status = 'First Purchase' and date(l.changed_at) between %(start)s and %(end)s)) as converted
		from `tabCRM Customer` c where {cond} and {rep_condition("c.account_manager")}
		group by c.account_manager""")
	)
	add(
		section(f"""
		select v.sales_rep as rep, count(*) as visits_planned, sum(v.status = 'Completed') as visits_completed
		from `tabCRM Visit` v {customers_of("v")}
		where v.planned_start >= %(start)s and v.planned_start < date_add(%(end)s, interval 1 day)
			and {cond if restricted else "1=1"} and {rep_condition("v.sales_rep")}
		group by v.sales_rep""")
	)
	add(
		section(f"""
		select c.account_manager as rep, count(*) as key_customers,
			sum(exists(select 1 from `tabCRM Visit` v where v.customer = c.name and v.status = 'Completed'
				and date(v.planned_start) between %(start)s and %(end)s)) as key_customers_visited
		from `tabCRM Customer` c join `tabCRM Customer Grade` g on g.name = c.grade
		where g.annual_visit_target > 0 and c.disabled = 0 and {cond} and {rep_condition("c.account_manager")}
		group by c.account_manager""")
	)
	add(
		section(f"""
		select c.account_manager as rep, count(*) as complaints
		from `tabCRM Complaint` x join `tabCRM Customer` c on c.name = x.customer
		where date(x.received_at) between %(start)s and %(end)s and {cond} and {rep_condition("c.account_manager")}
		group by c.account_manager""")
	)
	add(
		section(f"""
		select c.account_manager as rep, avg(r.average_score) as satisfaction
		from `tabCRM Survey Response` r join `tabCRM Customer` c on c.name = r.customer
		where date(r.submitted_at) between %(start)s and %(end)s and r.average_score is not null
			and {cond} and {rep_condition("c.account_manager")}
		group by c.account_manager""")
	)
	add(
		section(f"""
		select s.sales_rep as rep, sum(s.target_amount) as target
		from `tabCRM Sales Target` s
		where s.from_date >= %(start)s and s.to_date <= %(end)s and {rep_condition("s.sales_rep")}
		group by s.sales_rep""")
	)

	data = sorted(rows.values(), key=lambda r: (-(r.get("sales") or 0), r["rep"]))
	for r in data:
		r["completion"] = rate(r.get("visits_completed"), r.get("visits_planned"))
		r["coverage"] = rate(r.get("key_customers_visited"), r.get("key_customers"))
		r["achievement"] = rate(r.get("sales"), r.get("target"))
		r["satisfaction"] = round(r["satisfaction"], 2) if r.get("satisfaction") is not None else None
	for r, position in zip(data, rank(data, "sales"), strict=True):
		r["ranking"] = position
	chart = {
		"data": {
			"labels": [r["rep"] for r in data[:20]],
			"datasets": [{"name": _("Sales"), "values": [r.get("sales") or 0 for r in data[:20]]}],
		},
		"type": "bar",
	}
	return columns(), data, None, chart


def columns():
	return [
		{"fieldname": "ranking", "label": _("Rank"), "fieldtype": "Int", "width": 70},
		{"fieldname": "rep", "label": _("Sales Rep"), "fieldtype": "Link", "options": "User", "width": 200},
		{"fieldname": "sales", "label": _("Sales"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "gross_profit", "label": _("Gross Profit"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "transactions", "label": _("Transactions"), "fieldtype": "Int", "width": 100},
		{"fieldname": "target", "label": _("Sales Target"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "achievement", "label": _("Target Achieved %"), "fieldtype": "Percent", "width": 120},
		{"fieldname": "new_customers", "label": _("New Customers"), "fieldtype": "Int", "width": 110},
		{"fieldname": "converted", "label": _("Converted Customers"), "fieldtype": "Int", "width": 120},
		{"fieldname": "visits_planned", "label": _("Visits Planned"), "fieldtype": "Int", "width": 110},
		{"fieldname": "visits_completed", "label": _("Visits Completed"), "fieldtype": "Int", "width": 120},
		{"fieldname": "completion", "label": _("Visit Completion %"), "fieldtype": "Percent", "width": 120},
		{
			"fieldname": "coverage",
			"label": _("Key Customers Visited %"),
			"fieldtype": "Percent",
			"width": 140,
		},
		{"fieldname": "complaints", "label": _("Complaints"), "fieldtype": "Int", "width": 100},
		{"fieldname": "satisfaction", "label": _("Average Satisfaction"), "fieldtype": "Float", "width": 130},
	]
