"""The follow-up rule's Frappe side (每月至少一次跟进): customers nobody has followed up within the
configured interval, for the daily digests and the workspace card."""

import frappe
from frappe.utils import cint, getdate, today

from crm_plus.domain import access, visits


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
	return visits.followups_due(rows, {r.name: r.last_contact for r in rows}, as_of, interval)
