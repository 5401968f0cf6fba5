# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt
"""Service performance by handler: complaints handled, SLA met, the first-response rate and median
first-response time (working minutes on each policy's calendar), resolution times, reopen rate and the
customers' rating. Counts come from one GROUP BY; the response figures from one set-based read of the
same complaints, judged by crm_plus.domain.sla."""

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime, now_datetime

from crm_plus.domain import sla
from crm_plus.domain.performance import rate
from crm_plus.report_columns import column
from crm_plus.report_people import with_names
from crm_plus.report_scope import customer_condition, org_condition, period


def execute(filters=None):
	filters = frappe._dict(filters or {})
	start, end = period(filters)
	rows = frappe.db.sql(
		f"""
		select x.handler, count(*) as handled,
			sum(x.status in %(done)s) as resolved,
			sum(x.status in %(done)s and x.sla_status = 'Met') as met,
			avg(case when x.resolved_at is not null then timestampdiff(minute, x.received_at, x.resolved_at) / 60 end)
				as resolution_hours,
			sum(x.reopen_count > 0) as reopened,
			avg(nullif(x.rating, 0)) as rating
		from `tabCRM Complaint` x join `tabCRM Customer` c on c.name = x.customer
		where x.received_at >= %(start)s and x.received_at < %(until)s and x.handler is not null
			and {customer_condition("c")} and {org_condition(filters, "c")}
		group by x.handler order by handled desc
		""",
		{"start": start, "end": end, "until": add_days(end, 1), "done": tuple(sla.DONE_STATUSES)},
		as_dict=True,
	)
	responses = response_figures(start, end, filters)
	for r in rows:
		r["sla_met"] = rate(r.met, r.resolved)
		r["reopen_rate"] = rate(r.reopened, r.handled)
		r["response_met"], r["response_minutes"] = responses.get(r.handler, (None, None))
		for key in ("response_minutes", "resolution_hours", "rating"):
			r[key] = round(r[key], 1) if r[key] is not None else None
	chart = {
		"data": {
			"labels": [r.handler for r in rows[:20]],
			"datasets": [{"name": _("SLA Met %"), "values": [r.sla_met or 0 for r in rows[:20]]}],
		},
		"type": "bar",
	}
	return with_names((columns(), rows, None, chart))


def response_figures(start, end, filters) -> dict[str, tuple[float | None, float | None]]:
	"""{handler: (response met %, median first response in working minutes)} over the same complaints:
	met among those whose first response is decided (answered, or overdue unanswered)."""
	from crm_plus.crm_complaints.service_level import calendar_of

	complaints = frappe.db.sql(
		f"""
		select x.handler, x.sla_policy, x.received_at, x.response_by, x.first_response_at
		from `tabCRM Complaint` x join `tabCRM Customer` c on c.name = x.customer
		where x.received_at >= %(start)s and x.received_at < %(until)s and x.handler is not null
			and x.sla_policy is not null
			and {customer_condition("c")} and {org_condition(filters, "c")}
		""",
		{"start": start, "end": end, "until": add_days(end, 1)},
		as_dict=True,
	)
	now, calendars = now_datetime(), {}
	by_handler: dict[str, list] = {}
	for x in complaints:
		if x.sla_policy not in calendars:
			exists = frappe.db.exists("CRM SLA Policy", x.sla_policy)
			calendars[x.sla_policy] = (
				calendar_of(frappe.get_cached_doc("CRM SLA Policy", x.sla_policy)) if exists else None
			)
		calendar = calendars[x.sla_policy]
		responded = get_datetime(x.first_response_at) if x.first_response_at else None
		met = sla.response_met(
			get_datetime(x.response_by) if x.response_by else None, responded, now, calendar
		)
		minutes = (
			sla.first_response_minutes(calendar, get_datetime(x.received_at), responded) if calendar else None
		)
		by_handler.setdefault(x.handler, []).append((met, minutes))
	figures = {}
	for handler, judged in by_handler.items():
		decided = [met for met, _minutes in judged if met is not None]
		figures[handler] = (
			rate(sum(decided), len(decided)),
			sla.median(minutes for _met, minutes in judged),
		)
	return figures


def columns():
	return [
		column("handler", _("Handler"), "Link", 200, "User"),
		column("handled", _("Complaints Handled"), "Int", 130),
		column("resolved", _("Resolved"), "Int", 100),
		column("sla_met", _("SLA Met %"), "Percent", 110),
		column("response_met", _("Response Met %"), "Percent", 130),
		column("response_minutes", _("Median First Response (Working Minutes)"), "Float", 220),
		column("resolution_hours", _("Average Resolution (Hours)"), "Float", 170),
		column("reopen_rate", _("Reopen Rate %"), "Percent", 120),
		column("rating", _("Average Rating"), "Float", 120),
	]
