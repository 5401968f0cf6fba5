# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt
"""Lost reason analysis (丢单原因): the opportunities lost in the period (the day they entered a lost
stage) by reason, with their amount and each reason's share; optionally broken down by owner, team or
month. One GROUP BY query; shares are domain.funnel.shares."""

import frappe
from frappe import _
from frappe.utils import add_days

from crm_plus.domain import funnel
from crm_plus.report_columns import column
from crm_plus.report_people import with_names
from crm_plus.report_scope import created_between, org_condition, owned_condition, period

# The breakdown's column per choice: a fixed map, never the caller's text.
BREAKDOWNS = {
	"Opportunity Owner": ("o.account_manager", "Link", "User"),
	"Sales Team": ("o.sales_team", "Link", "CRM Sales Team"),
	"Month": ("date_format(o.stage_since, '%%Y-%%m')", "Data", None),
}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	start, end = period(filters)
	breakdown = BREAKDOWNS.get(filters.get("breakdown") or "")
	group = f", {breakdown[0]}" if breakdown else ""
	rows = frappe.db.sql(
		f"""select o.lost_reason as reason{group + " as breakdown" if breakdown else ""},
			count(*) as count, sum(o.expected_amount) as amount
		from `tabCRM Opportunity` o
		where o.status = 'Lost' and {created_between("o.stage_since")}
			and {owned_condition("CRM Opportunity", "o")} and {org_condition(filters, "o")}
		group by o.lost_reason{group}
		order by count(*) desc, o.lost_reason""",
		{"start": start, "end": end, "until": add_days(end, 1)},
		as_dict=True,
	)
	for r in rows:
		r.amount = round(float(r.amount or 0), 2)
	funnel.shares(rows, "count", "share")
	funnel.shares(rows, "amount", "amount_share")
	return with_names((columns(breakdown, filters.get("breakdown")), rows, None, chart(rows)))


def chart(rows) -> dict:
	by_reason: dict[str, int] = {}
	for r in rows:
		by_reason[r.reason or ""] = by_reason.get(r.reason or "", 0) + r["count"]
	return {
		"data": {
			"labels": [_(reason) if reason else _("Not Given") for reason in by_reason],
			"datasets": [{"name": _("Lost Opportunities"), "values": list(by_reason.values())}],
		},
		"type": "pie",
	}


def columns(breakdown, label):
	cols = [column("reason", _("Lost Reason"), "Link", 180, "CRM Lost Reason")]
	if breakdown:
		cols.append(column("breakdown", _(label), breakdown[1], 180, breakdown[2]))
	return [
		*cols,
		column("count", _("Lost Opportunities"), "Int", 130),
		column("share", _("Share %"), "Percent", 100),
		column("amount", _("Expected Amount"), "Currency", 140),
		column("amount_share", _("Amount Share %"), "Percent", 120),
	]
