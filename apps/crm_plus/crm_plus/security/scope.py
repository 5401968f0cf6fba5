"""The user's scope (crm_plus.domain.access.Scope), read once per request, and the stored values the
rules judge a record by. The rest of the shell (crm_plus.security) reads the user's place here."""

import dataclasses

import frappe

from crm_plus.domain import access
from crm_plus.domain.roles import ADMINISTRATOR, SYSTEM_MANAGER

CUSTOMER = "CRM Customer"


# Permission types that only read (None: Frappe's default, read).
READ_PTYPES = frozenset({None, "read", "select", "print", "email", "report", "export"})


# DocTypes with a pool (公海): a record released to its division's pool is read by the division's
# sales staff (access.Scope.pool_divisions) until one of them claims it. Customers only while the
# customer pool is on (CRM Plus Settings), so that the customer rule stays as it was on sites without.
POOLED = ("CRM Lead", CUSTOMER)


def pooled() -> frozenset[str]:
	if frappe.db.get_single_value("CRM Plus Settings", "customer_pool_enabled", cache=True):
		return frozenset(POOLED)
	return frozenset({"CRM Lead"})


def get_scope(user: str | None = None, doctype: str = CUSTOMER) -> access.Scope:
	"""The user's scope; for another DocType ruled like customers (leads, opportunities), with the
	user's open assignments of that DocType in place of their assigned customers."""
	user = user or frappe.session.user
	cache = getattr(frappe.local, "crm_plus_scopes", None)
	if cache is None:
		cache = frappe.local.crm_plus_scopes = {}
	if user not in cache:
		_cache_scope(cache, user)
	if doctype == CUSTOMER or cache[user].unrestricted:
		return cache[user]
	key = (user, doctype)
	if key not in cache:
		assigned = cache.get(("assigned", user, doctype))
		if assigned is None:
			assigned = frappe.db.sql_list(
				"""select reference_name from `tabToDo`
				where allocated_to = %s and reference_type = %s and status = 'Open'""",
				(user, doctype),
			)
		pool = _pool_divisions(user, cache[user]) if doctype in pooled() else frozenset()
		cache[key] = dataclasses.replace(cache[user], assigned=frozenset(assigned), pool_divisions=pool)
	return cache[key]


def scope_with(user: str, also: str, params: dict) -> tuple[access.Scope, list[str]]:
	"""The user's customer scope (as get_scope) and the names one more query reads, in one round trip:
	`also` is a SELECT of one column, its values as %(key)s in `params` (%(user)s is the user). Read alone
	when this request already has the scope; not read at all for a user who sees every customer."""
	cache = getattr(frappe.local, "crm_plus_scopes", None)
	if cache is None:
		cache = frappe.local.crm_plus_scopes = {}
	if user in cache:
		if cache[user].unrestricted:
			return cache[user], []
		return cache[user], frappe.db.sql_list(also, {**params, "user": user})
	names = _cache_scope(cache, user, also, params)
	return cache[user], names


def _cache_scope(cache: dict, user: str, also: str = "", params: dict | None = None) -> list[str]:
	scope, names, assigned = _build_scope(user, also, params)
	for doctype, assigned_names in assigned.items():
		cache[("assigned", user, doctype)] = frozenset(assigned_names)
	if CUSTOMER in pooled():
		scope = dataclasses.replace(scope, pool_divisions=_pool_divisions(user, scope))
	cache[user] = scope
	return names


def _pool_divisions(user: str, scope: access.Scope) -> frozenset[str]:
	"""The divisions whose pool a sales user reads: of the teams they belong to or manage, and headed."""
	if scope.unrestricted or not set(frappe.get_roles(user)) & access.SALES_ROLES:
		return frozenset()
	divisions = set(scope.divisions)
	divisions |= set(
		frappe.db.sql_list(
			"""select t.division from `tabCRM Sales Team Member` m join `tabCRM Sales Team` t on t.name = m.parent
			where m.parenttype = 'CRM Sales Team' and m.user = %(user)s and t.division is not null""",
			{"user": user},
		)
	)
	if scope.teams:
		divisions |= set(
			frappe.get_all("CRM Sales Team", {"name": ("in", sorted(scope.teams))}, pluck="division")
		)
	return frozenset(d for d in divisions if d)


def unrestricted(user: str | None = None) -> bool:
	"""Does the user see and edit every record of the app? Administrator, System Managers, CRM Admins
	and executives (crm_plus.domain.roles.UNRESTRICTED_ROLES)."""
	return get_scope(user).unrestricted


def is_framework_admin(user: str | None = None) -> bool:
	"""Is the user one of Frappe's own administrators (Administrator, a System Manager), whom the app
	leaves to Frappe's rules where it narrows a framework DocType (contacts, their rows, follows)?"""
	user = user or frappe.session.user
	return user == ADMINISTRATOR or SYSTEM_MANAGER in frappe.get_roles(user)


# The DocTypes ruled like customers (crm_plus.security.table: CUSTOMER_RULE), whose open assignments
# the scope reads with the customers' (a lead's or opportunity's list, board or activity then reads
# nothing more); another DocType's are read when first asked for.
ASSIGNED_WITH_SCOPE = (CUSTOMER, "CRM Lead", "CRM Opportunity")


def _build_scope(
	user: str, also: str = "", params: dict | None = None
) -> tuple[access.Scope, list[str], dict[str, list[str]]]:
	"""The scope, the names `also` reads in the same round trip (scope_with), and the user's open
	assignments of the DocTypes of ASSIGNED_WITH_SCOPE."""
	roles = frappe.get_roles(user)
	if access.build_scope(user, roles).unrestricted:
		return access.Scope(user, unrestricted=True), [], {}
	# The user's place in the organisation and their assigned records, in one round trip: the
	# managed teams with every team below them (nested set), the divisions headed and served, and
	# the customers, leads and opportunities assigned through open ToDos (the same rows Frappe
	# mirrors into `_assign`), each under its DocType's name.
	sql = """select distinct 'team', sub.name from `tabCRM Sales Team` t
			join `tabCRM Sales Team` sub on sub.lft >= t.lft and sub.rgt <= t.rgt where t.manager = %(user)s
		union all select 'head', name from `tabCRM Division` where division_head = %(user)s and disabled = 0
		union all select 'serves', parent from `tabCRM Division Member`
			where user = %(user)s and parenttype = 'CRM Division'
		union all select reference_type, reference_name from `tabToDo`
			where allocated_to = %(user)s and reference_type in %(assignable)s and status = 'Open'"""
	if also:
		sql += f"\n\t\tunion all select 'also', extra.* from ({also}) extra"
	rows = frappe.db.sql(sql, {**(params or {}), "user": user, "assignable": ASSIGNED_WITH_SCOPE})
	found = {kind: [] for kind in ("team", "head", "serves", "also", *ASSIGNED_WITH_SCOPE)}
	for kind, name in rows:
		found[kind].append(name)
	scope = access.build_scope(
		user,
		roles,
		managed_teams=found["team"],
		headed_divisions=found["head"],
		served_divisions=found["serves"],
		assigned=found[CUSTOMER],
	)
	return scope, found["also"], {doctype: found[doctype] for doctype in ASSIGNED_WITH_SCOPE[1:]}


def clear_scope_cache(*args, **kwargs):
	frappe.local.crm_plus_scopes = {}


def reps_of(scope: access.Scope) -> frozenset[str]:
	"""The user and the reps whose own records (visits, plans, targets) a manager or division head
	sees: their teams' members. Read once per request, like the scope itself."""
	cache = getattr(frappe.local, "crm_plus_scopes", None)
	if cache is None:
		cache = frappe.local.crm_plus_scopes = {}
	key = ("reps", scope.user)
	if key not in cache:
		cache[key] = frozenset({scope.user, *_team_members(scope)})
	return cache[key]


def _team_members(scope: access.Scope) -> set[str]:
	if not scope.teams and not scope.divisions:
		return set()
	member = frappe.qb.DocType("CRM Sales Team Member")
	team = frappe.qb.DocType("CRM Sales Team")
	criterion = None
	if scope.teams:
		criterion = team.name.isin(list(scope.teams))
	if scope.divisions:
		by_division = team.division.isin(list(scope.divisions))
		criterion = by_division if criterion is None else criterion | by_division
	return set(
		frappe.qb.from_(member)
		.join(team)
		.on(member.parent == team.name)
		.where(member.parenttype == "CRM Sales Team")
		.where(criterion)
		.select(member.user)
		.distinct()
		.run(pluck=True)
	)


def placeable_teams(scope: access.Scope) -> set[str]:
	"""The teams a user may put records in: those managed (with the teams below), those of the divisions
	headed, and those the user is a member of."""
	teams = set(scope.teams)
	if scope.divisions:
		teams |= set(
			frappe.get_all("CRM Sales Team", {"division": ("in", sorted(scope.divisions))}, pluck="name")
		)
	teams |= set(
		frappe.get_all(
			"CRM Sales Team Member", {"parenttype": "CRM Sales Team", "user": scope.user}, pluck="parent"
		)
	)
	return teams


# ---------------------------------------------------------------- issue 23 (s6h): the rule as two reads
# A rep's list when colleagues assigned them a few customers: `account_manager = me or name in (...)`
# is an index merge of all the rep's customers and a sort; the same rows come from two index-ordered
# reads, one per branch of the rule (crm_plus.list_view). Only where the rule is exactly those branches.


OWNER_FIELD = "account_manager"  # of a customer: the rep whose own record it is


def own_or_assigned(doctype: str, user: str | None = None) -> tuple[str, frozenset[str]] | None:
	"""(owner field, names) when the user's rule on `doctype` is exactly "records they own, or these
	named ones" (their open assignments, and what is shared with them where Frappe's list adds shares),
	with some named; else None."""
	user = user or frappe.session.user
	if doctype != CUSTOMER:
		return None
	scope = get_scope(user, doctype)
	if scope.unrestricted or scope.assigned is None or not scope.assigned:
		return None
	if scope.teams or scope.divisions or scope.served_divisions or scope.pool_divisions:
		return None
	shared = []
	if list_adds_shares(doctype, user):
		# What frappe.share.get_shared(doctype, user) lists (read shares to the user or to everyone), in
		# one query instead of a get_all through the framework (a third of the list's time).
		shared = frappe.db.sql_list(
			"""select share_name from `tabDocShare` where `read` = 1 and share_doctype = %s
			and (`user` = %s or everyone = 1)""",
			(doctype, user),
		)
	return OWNER_FIELD, frozenset(scope.assigned) | frozenset(shared)


def list_adds_shares(doctype: str, user: str) -> bool:
	"""May Frappe's list of `doctype` show the user a record only because it is shared with them? Frappe
	v15 (DatabaseQuery.build_match_conditions) adds "or shared with the user" to a list's conditions
	only when the user's role permission reads only records they created, or user permissions restrict
	the list; otherwise a share adds no row (the app's condition decides alone). True also when the
	user has user permissions of DocTypes the list does not link to: naming more records than the rule
	reads only costs the second read a longer list."""
	from frappe.model.db_query import requires_owner_constraint

	if frappe.permissions.get_user_permissions(user):
		return True
	role_permissions = frappe.permissions.get_role_permissions(frappe.get_meta(doctype), user=user)
	return bool(requires_owner_constraint(role_permissions))
