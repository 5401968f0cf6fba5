"""The lead pool (公海): the daily release of leads nobody followed up, and a rep's claim.

Rules: crm_plus.domain.pool. A released lead keeps its division, loses its owner and team, and is
read by the division's sales staff (permissions.POOLED, access.Scope.pool_divisions); a claim makes
it the claimer's. Every release and claim is a row of CRM Pool Log.
"""

import frappe
from frappe import _
from frappe.utils import cint, getdate, now_datetime, today

from crm_plus.domain import pool
from crm_plus.permissions import clear_scope_cache, get_scope
from crm_plus.utils import bulk_insert_logs

LEAD = "CRM Lead"
LOG = "CRM Pool Log"

MESSAGES = {
	"not_found": lambda: _("This record is not in the pool"),
	"not_in_pool": lambda: _("This record is no longer in the pool: someone has claimed it"),
	"other_division": lambda: _("You may only claim from the pool of your own division"),
	"limit_reached": lambda limit: _(
		"You already hold {0} leads from the pool: follow them up or convert them before claiming more"
	).format(limit),
}


def settings():
	return frappe.get_cached_doc("CRM Plus Settings")


def release_leads(as_of=None) -> int:
	"""Daily: open owned leads without a done activity for `lead_pool_days` go back to their
	division's pool, in one query for the candidates with their last follow-up, one UPDATE and one
	insert of the log rows. A second run finds nothing more to release. Returns how many went back."""
	days = cint(settings().lead_pool_days)
	if days <= 0:
		return 0
	day = getdate(as_of or today())
	cutoff = pool.release_cutoff(day, days)
	rows = frappe.db.sql(
		"""select l.name, l.in_pool, l.account_manager, l.division, l.status, l.owner_since, l.creation,
			(select max(a.done_on) from `tabCRM Activity` a where a.lead = l.name and a.done = 1) as last_followup
		from `tabCRM Lead` l
		where l.in_pool = 0 and l.status in %(statuses)s and ifnull(l.account_manager, '') != ''
			and ifnull(l.division, '') != '' and date(greatest(l.creation, ifnull(l.owner_since, l.creation))) < %(cutoff)s""",
		{"statuses": pool.POOL_LEAD_STATUSES, "cutoff": cutoff},
		as_dict=True,
	)
	due = [r for r in rows if pool.release_due(r, r.last_followup, day, days)]
	if not due:
		return 0
	names = [r.name for r in due]
	table = frappe.qb.DocType(LEAD)
	for start in range(0, len(names), 1000):
		(
			frappe.qb.update(table)
			.set(table.in_pool, 1)
			.set(table.account_manager, None)
			.set(table.sales_team, None)
			.set(table.claimed_from_pool, 0)
			.set(table.modified, now_datetime())
			.where(table.name.isin(names[start : start + 1000]))
			.where(table.in_pool == 0)
			.run()
		)
	now = now_datetime()
	bulk_insert_logs(
		LOG,
		["reference_doctype", "reference_name", "action", "user", "division", "logged_at"],
		[(LEAD, r.name, pool.RELEASE, r.account_manager, r.division, now) for r in due],
	)
	return len(due)


def held_claims(user: str) -> int:
	"""The open leads a rep holds from earlier claims."""
	return frappe.db.count(
		LEAD,
		{
			"account_manager": user,
			"claimed_from_pool": 1,
			"in_pool": 0,
			"status": ("in", pool.POOL_LEAD_STATUSES),
		},
	)


@frappe.whitelist(methods=["POST"])
def claim(name: str) -> dict:
	"""A rep claims a lead from their division's pool. The lead's row is locked while it is judged and
	written, so that of two reps claiming it at once exactly one wins."""
	user = frappe.session.user
	if not frappe.has_permission(LEAD, "read"):
		frappe.throw(_("You are not permitted to claim leads"), frappe.PermissionError)
	record = frappe.db.sql(
		"select name, in_pool, division from `tabCRM Lead` where name = %(name)s for update",
		{"name": name},
		as_dict=True,
	)
	record = record[0] if record else None
	scope = get_scope(user, LEAD)
	limit = cint(settings().pool_claim_limit)
	code = pool.claim_error(record, scope.pool_divisions, held_claims(user), limit)
	if code in ("not_found", "other_division"):
		# Another division's pool is not the user's to know about: as if it did not exist.
		frappe.throw(
			MESSAGES[code](), frappe.PermissionError if code == "other_division" else frappe.DoesNotExistError
		)
	if code:
		frappe.throw(MESSAGES[code](limit) if code == "limit_reached" else MESSAGES[code]())
	team = team_in_division(user, record.division)
	now = now_datetime()
	table = frappe.qb.DocType(LEAD)
	frappe.qb.update(table).set(table.in_pool, 0).set(table.account_manager, user).set(
		table.sales_team, team
	).set(table.claimed_from_pool, 1).set(table.owner_since, now).set(table.modified, now).set(
		table.modified_by, user
	).where(table.name == name).where(table.in_pool == 1).run()
	bulk_insert_logs(
		LOG,
		["reference_doctype", "reference_name", "action", "user", "division", "logged_at"],
		[(LEAD, name, pool.CLAIM, user, record.division, now)],
	)
	clear_scope_cache()
	return {"name": name, "account_manager": user, "sales_team": team}


def team_in_division(user: str, division: str) -> str | None:
	"""The claimer's team in the lead's division: one they belong to, else one they manage."""
	member = frappe.db.sql_list(
		"""select t.name from `tabCRM Sales Team Member` m join `tabCRM Sales Team` t on t.name = m.parent
		where m.parenttype = 'CRM Sales Team' and m.user = %(user)s and t.division = %(division)s
		order by t.is_group, t.name limit 1""",
		{"user": user, "division": division},
	)
	if member:
		return member[0]
	return frappe.db.get_value("CRM Sales Team", {"manager": user, "division": division}, "name")
