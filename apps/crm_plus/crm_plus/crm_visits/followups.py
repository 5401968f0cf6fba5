"""The follow-up rule's Frappe side (每月至少一次跟进): customers nobody has followed up within the
configured interval, for the daily digests and the workspace card."""

import frappe
from frappe.utils import cint, getdate, today

from crm_plus.domain import access, activities, sales, visits


def followups_overdue(as_of=None, scope: access.Scope | None = None) -> list[dict]:
	"""Active customers without a completed visit within the follow-up interval, in one GROUP BY;
	only those `scope` may read when a scope is given. A visit's contact is its check-out, or its
	planned start when it was completed without one; the domain rule gets that same date."""
	as_of = getdate(as_of or today())
	interval = cint(frappe.get_cached_doc("CRM Plus Settings").followup_interval_days) or 30
	cutoff = visits.followup_cutoff(as_of, interval)
	readable = (access.condition_sql(scope, "`c`", frappe.db.escape) if scope else "") or "1=1"
	rows = frappe.db.sql(
		f"""
		select c.name, c.account_manager, c.status, c.disabled, c.creation,
			max(coalesce(v.check_out_at, v.planned_start)) as last_contact
		from `tabCRM Customer` c
		left join `tabCRM Visit` v on v.customer = c.name and v.status = 'Completed'
		where c.disabled = 0 and c.status != 'Lost' and {readable}
		group by c.name
		having date(coalesce(max(coalesce(v.check_out_at, v.planned_start)), c.creation)) < %(cutoff)s
		""",
		{"cutoff": cutoff},
		as_dict=True,
	)
	# A done activity against the customer is a follow-up too (一般行动).
	done = dict(
		frappe.db.sql(
			"""select customer, max(done_on) from `tabCRM Activity`
			where done = 1 and customer in %(customers)s group by customer""",
			{"customers": tuple(r.name for r in rows) or ("",)},
		)
	)
	last = {r.name: max((d for d in (r.last_contact, done.get(r.name)) if d), default=None) for r in rows}
	return visits.followups_due(rows, last, as_of, interval)


def sales_followups_overdue(as_of=None, user: str | None = None) -> list[dict]:
	"""Open leads and opportunities without a done activity within the follow-up interval (of `user`
	only, when given): two GROUP BY queries, judged by domain.activities.sales_followups_due."""
	as_of = getdate(as_of or today())
	interval = cint(frappe.get_cached_doc("CRM Plus Settings").followup_interval_days) or 30
	cutoff = visits.followup_cutoff(as_of, interval)
	records = []
	for doctype, field, statuses in (
		("CRM Lead", "lead", sales.OPEN_LEAD_STATUSES),
		("CRM Opportunity", "opportunity", sales.OPEN_OPPORTUNITY_STATUSES),
	):
		mine = "and r.account_manager = %(user)s" if user else ""
		rows = frappe.db.sql(
			f"""select r.name, r.status, r.account_manager, r.creation, max(a.done_on) as last_followup
			from `tab{doctype}` r
			left join `tabCRM Activity` a on a.`{field}` = r.name and a.done = 1
			where r.status in %(statuses)s and ifnull(r.account_manager, '') != '' {mine}
			group by r.name
			having date(coalesce(max(a.done_on), r.creation)) < %(cutoff)s""",
			{"statuses": statuses, "cutoff": cutoff, "user": user},
			as_dict=True,
		)
		records += [dict(r, doctype=doctype) for r in rows]
	return activities.sales_followups_due(
		records, {r["name"]: r["last_followup"] for r in records}, as_of, interval
	)
