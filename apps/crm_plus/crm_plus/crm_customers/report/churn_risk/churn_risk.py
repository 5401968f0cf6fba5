# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt
"""Customers at risk of leaving: no purchase for N days, falling recency, a recent downgrade,
open complaints and unhappy survey answers; the riskiest first."""

import frappe
from frappe import _
from frappe.utils import add_days, cint, getdate, today

from crm_plus.domain import sla
from crm_plus.domain.performance import churn_risk
from crm_plus.report_columns import column
from crm_plus.report_people import with_names
from crm_plus.report_scope import customer_condition, org_condition

REASONS = {
	"no_recent_purchase": lambda: _("No recent purchase"),
	"recency_falling": lambda: _("Buying less recently"),
	"downgraded": lambda: _("Downgraded"),
	"open_complaints": lambda: _("Open complaints"),
	"unhappy_survey": lambda: _("Unhappy survey answer"),
}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	days = cint(filters.get("days_without_purchase")) or 90
	now = getdate(today())
	# Every candidate is scored, so that "riskiest first" is over all of them: the counts per customer
	# come from grouped derived tables (one pass over each table), not a subquery per customer.
	rows = frappe.db.sql(
		f"""
		select c.name as customer, c.customer_name, c.grade, c.account_manager, c.last_transaction_date, c.r_score,
			coalesce(x.open_complaints, 0) as open_complaints, coalesce(r.unhappy_surveys, 0) as unhappy_surveys,
			coalesce(r.unhappy_ever, 0) as unhappy_ever, coalesce(l.downgrades, 0) as downgrades
		from `tabCRM Customer` c
		left join (
			select customer, count(*) as open_complaints from `tabCRM Complaint`
			where status in %(open)s group by customer
		) x on x.customer = c.name
		left join (
			select customer, sum(submitted_at > %(since)s) as unhappy_surveys, count(*) as unhappy_ever
			from `tabCRM Survey Response` where unhappy = 1 group by customer
		) r on r.customer = c.name
		left join (
			select customer, count(*) as downgrades from `tabCRM Customer Grade Log`
			where is_downgrade = 1 and changed_at > %(since)s group by customer
		) l on l.customer = c.name
		where c.disabled = 0 and c.status != 'Lost' and {customer_condition("c")} and {org_condition(filters, "c")}
			and (c.last_transaction_date is null or c.last_transaction_date < %(quiet_since)s
				or c.r_score <= 2 or x.open_complaints > 0 or r.unhappy_ever > 0)
		""",
		{
			"open": tuple(sla.OPEN_STATUSES),
			"since": add_days(now, -180),
			"quiet_since": add_days(now, -days),
		},
		as_dict=True,
	)
	data = []
	for r in rows:
		since = (now - getdate(r.last_transaction_date)).days if r.last_transaction_date else None
		score, reasons = churn_risk(
			since,
			days,
			max(0, 3 - cint(r.r_score)) if r.r_score else 0,
			bool(r.downgrades),
			r.open_complaints,
			r.unhappy_surveys,
		)
		if score:
			data.append(
				{
					**r,
					"days_since_purchase": since,
					"risk": score,
					"reasons": ", ".join(REASONS[x]() for x in reasons),
				}
			)
	data.sort(key=lambda r: (-r["risk"], r["customer"]))
	bands = [(_("High (60+)"), 60, 101), (_("Medium (30-59)"), 30, 60), (_("Low (1-29)"), 1, 30)]
	chart = {
		"data": {
			"labels": [label for label, _low, _high in bands],
			"datasets": [
				{
					"name": _("Customers"),
					"values": [sum(low <= r["risk"] < high for r in data) for _l, low, high in bands],
				}
			],
		},
		"type": "bar",
	}
	return with_names((columns(), data[:1000], None, chart))


def columns():
	return [
		column("customer", _("Customer"), "Link", 130, "CRM Customer"),
		column("customer_name", _("Customer Name"), "Data", 200),
		column("grade", _("Grade"), "Link", 100, "CRM Customer Grade"),
		column("account_manager", _("Account Manager"), "Link", 180, "User"),
		column("risk", _("Risk"), "Int", 80),
		column("days_since_purchase", _("Days Since Last Purchase"), "Int", 150),
		column("open_complaints", _("Open Complaints"), "Int", 120),
		column("reasons", _("Reasons"), "Data", 320),
	]
