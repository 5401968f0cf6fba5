# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt
"""Service performance by handler: complaints handled, SLA met, response and resolution times,
reopen rate and the customers' rating, in one GROUP BY."""

import frappe
from frappe import _

from crm_plus.crm_plus.report_utils import customer_condition, org_condition, period
from crm_plus.domain.performance import rate


def execute(filters=None):
	filters = frappe._dict(filters or {})
	start, end = period(filters)
	rows = frappe.db.sql(
		f"""
		select x.handler, count(*) as handled,
			sum(x.status in ('Resolved', 'Closed')) as resolved,
			sum(x.status in ('Resolved', 'Closed') and x.sla_status = 'Met') as met,
			avg(timestampdiff(minute, x.received_at, x.first_response_at)) as response_minutes,
			avg(case when x.resolved_at is not null then timestampdiff(minute, x.received_at, x.resolved_at) / 60 end)
				as resolution_hours,
			sum(x.reopen_count > 0) as reopened,
			avg(nullif(x.rating, 0)) as rating
		from `tabCRM Complaint` x join `tabCRM Customer` c on c.name = x.customer
		where date(x.received_at) between %(start)s and %(end)s and x.handler is not null
			and {customer_condition("c")} and {org_condition(filters, "c")}
		group by x.handler order by handled desc
		""",
		{"start": start, "end": end},
		as_dict=True,
	)
	for r in rows:
		r["sla_met"] = rate(r.met, r.resolved)
		r["reopen_rate"] = rate(r.reopened, r.handled)
		for key in ("response_minutes", "resolution_hours", "rating"):
			r[key] = round(r[key], 1) if r[key] is not None else None
	chart = {
		"data": {
			"labels": [r.handler for r in rows[:20]],
			"datasets": [{"name": _("SLA Met %"), "values": [r.sla_met or 0 for r in rows[:20]]}],
		},
		"type": "bar",
	}
	return columns(), rows, None, chart


def columns():
	return [
		{"fieldname": "handler", "label": _("Handler"), "fieldtype": "Link", "options": "User", "width": 200},
		{"fieldname": "handled", "label": _("Complaints Handled"), "fieldtype": "Int", "width": 130},
		{"fieldname": "resolved", "label": _("Resolved"), "fieldtype": "Int", "width": 100},
		{"fieldname": "sla_met", "label": _("SLA Met %"), "fieldtype": "Percent", "width": 110},
		{
			"fieldname": "response_minutes",
			"label": _("Average First Response (Minutes)"),
			"fieldtype": "Float",
			"width": 180,
		},
		{
			"fieldname": "resolution_hours",
			"label": _("Average Resolution (Hours)"),
			"fieldtype": "Float",
			"width": 170,
		},
		{"fieldname": "reopen_rate", "label": _("Reopen Rate %"), "fieldtype": "Percent", "width": 120},
		{"fieldname": "rating", "label": _("Average Rating"), "fieldtype": "Float", "width": 120},
	]
