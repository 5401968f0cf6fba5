"""The pool (公海): the daily release of leads, and optionally customers, nobody followed up, and a
rep's claim.

Rules: crm_plus.domain.pool. A released record keeps its division, loses its owner and team, and is
read by the division's sales staff (security.scope.pooled, access.Scope.pool_divisions); a claim makes
it the claimer's. Every release and claim is a row of CRM Pool Log.
"""

import frappe
from frappe import _
from frappe.utils import cint, getdate, now_datetime, today

from crm_plus.domain import pool, sales
from crm_plus.security.scope import CUSTOMER, clear_scope_cache, get_scope, pooled
from crm_plus.utils import bulk_insert_logs

LEAD = "CRM Lead"
LOG = "CRM Pool Log"
LOG_FIELDS = ["reference_doctype", "reference_name", "action", "user", "division", "logged_at"]

MESSAGES = {
	"not_found": lambda: _("This record is not in the pool"),
	"not_in_pool": lambda: _("This record is no longer in the pool: someone has claimed it"),
	"other_division": lambda: _("You may only claim from the pool of your own division"),
}

# The open records of each pooled DocType (what a release considers and a rep's claims count), and the
# last qualifying follow-up of each as SQL on its alias `r`: a done activity (customers: a completed
# visit or a transaction too).
OPEN_CONDITION = {
	LEAD: "r.status in ({})".format(", ".join(f"'{status}'" for status in sales.OPEN_LEAD_STATUSES)),
	CUSTOMER: "r.disabled = 0",
}
LAST_FOLLOWUP = {
	LEAD: ["(select max(a.done_on) from `tabCRM Activity` a where a.lead = r.name and a.done = 1)"],
	CUSTOMER: [
		"(select max(a.done_on) from `tabCRM Activity` a where a.customer = r.name and a.done = 1)",
		"""(select max(coalesce(v.check_out_at, v.planned_start)) from `tabCRM Visit` v
			where v.customer = r.name and v.status = 'Completed')""",
		"(select max(t.posting_date) from `tabCRM Customer Transaction` t where t.customer = r.name)",
	],
}


def settings():
	return frappe.get_cached_doc("CRM Plus Settings")


def release_days(doctype: str) -> int:
	if doctype == LEAD:
		return cint(settings().lead_pool_days)
	return cint(settings().customer_pool_days) if cint(settings().customer_pool_enabled) else 0


def release(as_of=None) -> dict:
	"""Daily: open owned leads (and, when the setting is on, customers) without a qualifying follow-up
	for the configured days go back to their division's pool. Per DocType one query reads the
	candidates with their last follow-up, one UPDATE per thousand releases them (only rows still out
	of the pool), one insert logs them; a second run finds nothing more. Returns counts per DocType."""
	day = getdate(as_of or today())
	released = {}
	for doctype in (LEAD, CUSTOMER):
		days = release_days(doctype)
		if days > 0:
			released[doctype] = release_doctype(doctype, days, day)
	return released


def release_doctype(doctype: str, days: int, day) -> int:
	cutoff = pool.release_cutoff(day, days)
	status = ", r.status" if doctype == LEAD else ", r.disabled"
	followups = ", ".join(f"{sql} as followup_{i}" for i, sql in enumerate(LAST_FOLLOWUP[doctype]))
	rows = frappe.db.sql(
		f"""select r.name, r.in_pool, r.account_manager, r.division, r.owner_since, r.creation{status},
			{followups}
		from `tab{doctype}` r
		where r.in_pool = 0 and {OPEN_CONDITION[doctype]} and ifnull(r.account_manager, '') != ''
			and ifnull(r.division, '') != ''
			and date(greatest(r.creation, ifnull(r.owner_since, r.creation))) < %(cutoff)s""",
		{"cutoff": cutoff},
		as_dict=True,
	)
	due = []
	for r in rows:
		values = [r.pop(f"followup_{i}") for i in range(len(LAST_FOLLOWUP[doctype]))]
		dates = [getdate(v) for v in values if v]  # getdate(None) would be today
		last = max((d for d in dates if d), default=None)
		if pool.release_due(r, last, day, days):
			due.append(r)
	if not due:
		return 0
	names = [r.name for r in due]
	table = frappe.qb.DocType(doctype)
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
		LOG, LOG_FIELDS, [(doctype, r.name, pool.RELEASE, r.account_manager, r.division, now) for r in due]
	)
	return len(due)


def held_claims(user: str, doctype: str = LEAD, lock: bool = False) -> int:
	"""The open records of a DocType a rep holds from earlier claims. `lock`: a locking read, which sees
	the claims committed since this transaction's snapshot was taken (a claim counts under a lock)."""
	return frappe.db.sql(
		f"""select count(*) from `tab{doctype}` r where r.account_manager = %(user)s and r.claimed_from_pool = 1
		and r.in_pool = 0 and {OPEN_CONDITION[doctype]}{" lock in share mode" if lock else ""}""",
		{"user": user},
	)[0][0]


@frappe.whitelist(methods=["POST"])
def claim(name: str, doctype: str = LEAD) -> dict:
	"""A rep claims a lead (or a customer) from their division's pool. The record's row is locked while
	it is judged and written, so that of two reps claiming it at once exactly one wins."""
	user = frappe.session.user
	if doctype not in pooled() or not frappe.has_permission(doctype, "read"):
		frappe.throw(_("You are not permitted to claim from this pool"), frappe.PermissionError)
	# One claim of a user at a time: the claims they hold are counted under this lock, so that claims
	# sent at once cannot each see room under the limit.
	frappe.db.sql("select name from `tabUser` where name = %(user)s for update", {"user": user})
	record = frappe.db.sql(
		f"select name, in_pool, division from `tab{doctype}` where name = %(name)s for update",
		{"name": name},
		as_dict=True,
	)
	record = record[0] if record else None
	scope = get_scope(user, doctype)
	limit = cint(settings().pool_claim_limit)
	code = pool.claim_error(record, scope.pool_divisions, held_claims(user, doctype, lock=True), limit)
	if code in ("not_found", "not_in_pool") and (
		not record
		or (
			record.division not in scope.pool_divisions
			and not frappe.has_permission(doctype, "read", name, user=user)
		)
	):
		# A record that does not exist and another division's (in its pool or not) get one answer, so
		# that a claim tells nothing of which names exist or are pooled in other divisions.
		code = "other_division"
	if code in ("not_found", "other_division"):
		# Another division's pool is not the user's to know about.
		frappe.throw(
			MESSAGES[code](), frappe.PermissionError if code == "other_division" else frappe.DoesNotExistError
		)
	if code == "limit_reached":
		frappe.throw(
			_(
				"You already hold {0} records of type {1} from the pool: follow them up before claiming more"
			).format(limit, _(doctype))
		)
	if code:
		frappe.throw(MESSAGES[code]())
	team = team_in_division(user, record.division)
	now = now_datetime()
	table = frappe.qb.DocType(doctype)
	frappe.qb.update(table).set(table.in_pool, 0).set(table.account_manager, user).set(
		table.sales_team, team
	).set(table.claimed_from_pool, 1).set(table.owner_since, now).set(table.modified, now).set(
		table.modified_by, user
	).where(table.name == name).where(table.in_pool == 1).run()
	bulk_insert_logs(LOG, LOG_FIELDS, [(doctype, name, pool.CLAIM, user, record.division, now)])
	clear_scope_cache()
	return {"name": name, "account_manager": user, "sales_team": team}


def team_in_division(user: str, division: str) -> str | None:
	"""The claimer's team in the record's division: one they belong to, else one they manage."""
	member = frappe.db.sql_list(
		"""select t.name from `tabCRM Sales Team Member` m join `tabCRM Sales Team` t on t.name = m.parent
		where m.parenttype = 'CRM Sales Team' and m.user = %(user)s and t.division = %(division)s
		order by t.is_group, t.name limit 1""",
		{"user": user, "division": division},
	)
	if member:
		return member[0]
	return frappe.db.get_value("CRM Sales Team", {"manager": user, "division": division}, "name")


def check_pool_owner(doc) -> None:
	"""validate of CRM Lead and CRM Customer. A record has an owner unless it is in its division's
	pool; whoever may edit a pooled record (the division's head) and gives it an owner takes it out of
	the pool, logged as a claim for that owner (a rep claims it with `claim`)."""
	if doc.get("in_pool") and doc.account_manager:
		doc.in_pool = 0
		doc.owner_since = now_datetime()
		bulk_insert_logs(
			LOG,
			LOG_FIELDS,
			[(doc.doctype, doc.name, pool.CLAIM, doc.account_manager, doc.division, doc.owner_since)],
		)
	elif not doc.get("in_pool") and not doc.account_manager:
		frappe.throw(_("Please give {0} an owner").format(_(doc.doctype)), frappe.MandatoryError)
	check_claimed_reopen(doc)


def check_claimed_reopen(doc) -> None:
	"""A record its owner holds from a claim and closed (an unqualified lead, a deactivated customer)
	counts against the claim limit again when it is opened again: refused at the limit."""
	if doc.is_new() or not doc.get("claimed_from_pool") or not (before := doc.get_doc_before_save()):
		return
	before, after = before.as_dict(), doc.as_dict()
	limit = cint(settings().pool_claim_limit)
	if limit <= 0 or not pool.reopens_claim(before, after):
		return  # the claims held are counted (under a lock) only for a reopening under a limit
	if pool.reopen_error(before, after, held_claims(doc.account_manager, doc.doctype, lock=True), limit):
		frappe.throw(
			_(
				"{0} already holds {1} records of type {2} from the pool: this one cannot be reopened until one of them is followed up or closed"
			).format(doc.account_manager, limit, _(doc.doctype))
		)
