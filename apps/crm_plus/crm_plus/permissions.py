"""Data permissions of CRM Plus: the Frappe side of crm_plus.domain.access.

The rule is built once per request from the user's roles and place in the organisation, then used
as an SQL condition (lists, reports, link search, counts, group-by sidebar, exports) and as a
deny-only check of single documents (form, REST, frappe.client, attachments).
"""

import dataclasses

import frappe
from frappe import _

from crm_plus.domain import access, activities, composed

CUSTOMER = "CRM Customer"
# Permission types that only read (None: Frappe's default, read).
READ_PTYPES = frozenset({None, "read", "select", "print", "email", "report", "export"})


# Leads and opportunities are ruled like customers on their own columns (account_manager, sales_team,
# division; hooks._owned), with the user's open assignments of that DocType (get_scope).
# Records that belong to an opportunity: (DocType, field) -> seen by whoever sees the opportunity.
OPPORTUNITY_LINKED = {"CRM Opportunity Stage Log": "opportunity"}
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
		cache[user] = _build_scope(user)
		if CUSTOMER in pooled():
			cache[user] = dataclasses.replace(cache[user], pool_divisions=_pool_divisions(user, cache[user]))
	if doctype == CUSTOMER or cache[user].unrestricted:
		return cache[user]
	key = (user, doctype)
	if key not in cache:
		assigned = frappe.get_all(
			"ToDo",
			filters={"allocated_to": user, "reference_type": doctype, "status": "Open"},
			pluck="reference_name",
		)
		pool = _pool_divisions(user, cache[user]) if doctype in pooled() else frozenset()
		cache[key] = dataclasses.replace(cache[user], assigned=frozenset(assigned), pool_divisions=pool)
	return cache[key]


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


def _build_scope(user: str) -> access.Scope:
	roles = frappe.get_roles(user)
	if user == "Administrator" or access.build_scope(user, roles).unrestricted:
		return access.Scope(user, unrestricted=True)
	# The user's place in the organisation and their assigned customers, in one round trip: the
	# managed teams with every team below them (nested set), the divisions headed and served, and
	# the customers assigned through open ToDos (the same rows Frappe mirrors into `_assign`).
	rows = frappe.db.sql(
		"""select distinct 'team', sub.name from `tabCRM Sales Team` t
			join `tabCRM Sales Team` sub on sub.lft >= t.lft and sub.rgt <= t.rgt where t.manager = %(user)s
		union all select 'head', name from `tabCRM Division` where division_head = %(user)s and disabled = 0
		union all select 'serves', parent from `tabCRM Division Member`
			where user = %(user)s and parenttype = 'CRM Division'
		union all select 'assigned', reference_name from `tabToDo`
			where allocated_to = %(user)s and reference_type = %(customer)s and status = 'Open'""",
		{"user": user, "customer": CUSTOMER},
	)
	found = {"team": [], "head": [], "serves": [], "assigned": []}
	for kind, name in rows:
		found[kind].append(name)
	return access.build_scope(
		user,
		roles,
		managed_teams=found["team"],
		headed_divisions=found["head"],
		served_divisions=found["serves"],
		assigned=found["assigned"],
	)


def clear_scope_cache(*args, **kwargs):
	frappe.local.crm_plus_scopes = {}


def customer_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	return access.condition_sql(get_scope(user), f"`tab{CUSTOMER}`", frappe.db.escape)


def linked_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	return access.linked_condition_sql(
		get_scope(user), f"`tab{doctype}`", "customer", frappe.db.escape, f"tab{CUSTOMER}"
	)


def customer_record(name: str) -> dict | None:
	return frappe.db.get_value(
		CUSTOMER,
		name,
		["name", "account_manager", "sales_team", "division", "_assign", "in_pool"],
		as_dict=True,
	)


def _allowed(scope: access.Scope, record: dict | None, ptype: str | None) -> bool:
	if record is None:
		return True  # a new record: its customer is checked when it is linked
	if ptype in READ_PTYPES:
		return access.can_read(scope, record)
	return access.can_write(scope, record)


def customer_has_permission(doc, ptype: str | None = None, user: str | None = None, debug=False):
	scope = get_scope(user)
	if scope.unrestricted:
		return None
	if doc.is_new() or not doc.name:
		return None
	# Judge by what is stored, so that changing the account manager in the form grants nothing.
	stored = customer_record(doc.name) or doc.as_dict()
	return None if _allowed(scope, stored, ptype) else False


def stored(doc, fields: list[str]) -> dict:
	"""The stored values of an existing document, its own values for a new one.

	Permission is judged by what is stored, so that a field edited in the request (the customer, the
	rep, the handler, the approver) grants nothing: a PUT or `frappe.client.set_value` that points a
	record at yourself is judged on the record as it was. Moving a record to another customer is
	checked separately (`check_customer_link`)."""
	if not getattr(doc, "name", None) or (hasattr(doc, "is_new") and doc.is_new()):
		return {f: doc.get(f) for f in fields}
	row = frappe.db.get_value(doc.doctype, doc.name, fields, as_dict=True)
	return row or {f: doc.get(f) for f in fields}


def linked_has_permission(doc, ptype: str | None = None, user: str | None = None, debug=False):
	scope = get_scope(user)
	if scope.unrestricted:
		return None
	customer = stored(doc, ["customer"])["customer"]
	if not customer:
		return None
	return None if _allowed(scope, customer_record(customer), ptype) else False


def owned_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""Leads and opportunities: the customer rule on their own owner, team and division."""
	return access.condition_sql(get_scope(user, doctype), f"`tab{doctype}`", frappe.db.escape)


def owned_has_permission(doc, ptype: str | None = None, user: str | None = None, debug=False):
	scope = get_scope(user, doc.doctype)
	if scope.unrestricted or doc.is_new() or not doc.name:
		return None
	# Judged on the stored row: pointing the owner or the team at yourself in a request grants nothing.
	row = stored(doc, owned_fields(doc.doctype))
	return None if _allowed(scope, row, ptype) else False


def owned_fields(doctype: str) -> list[str]:
	fields = ["name", "account_manager", "sales_team", "division"]
	return [*fields, "in_pool"] if doctype in POOLED else fields


def owned_record(doctype: str, name: str) -> dict | None:
	"""The stored columns the rule reads of a customer, lead or opportunity."""
	if doctype == CUSTOMER:
		return customer_record(name)
	return frappe.db.get_value(doctype, name, owned_fields(doctype), as_dict=True)


# ---------------------------------------------------------------- activities and the pool log


def activity_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""An activity is seen by whoever sees the lead, customer or opportunity it is against."""
	user = user or frappe.session.user
	if get_scope(user).unrestricted:
		return ""
	table = "`tabCRM Activity`"
	parts = []
	for target, field in activities.TARGET_FIELDS.items():
		condition = access.condition_sql(get_scope(user, target), f"`tab{target}`", frappe.db.escape)
		parts.append(f"{table}.`{field}` in (select `name` from `tab{target}` where {condition or '1=1'})")
	return "(" + " or ".join(parts) + ")"


def activity_has_permission(doc, ptype: str | None = None, user: str | None = None, debug=False):
	scope = get_scope(user)
	if scope.unrestricted or doc.is_new() or not doc.name:
		return None
	# Judged on the stored row: re-pointing the activity in a request grants nothing.
	found = activities.target(stored(doc, list(activities.TARGET_FIELDS.values())))
	if not found:
		return False
	target, name = found
	record = owned_record(target, name)
	return None if record and _allowed(get_scope(user, target), record, ptype) else False


def check_activity_target(doc, method=None) -> None:
	"""validate of CRM Activity: an activity is logged only against a record the user may edit."""
	if doc.flags.ignore_permissions or frappe.flags.in_install or frappe.flags.in_migrate:
		return
	fields = list(activities.TARGET_FIELDS.values())
	if not doc.is_new() and not any(doc.has_value_changed(f) for f in fields):
		return
	found = activities.target(doc.as_dict())
	if found and not frappe.has_permission(found[0], "write", found[1]):
		frappe.throw(
			_("You may only log activities against {0} {1} if you may edit it").format(_(found[0]), found[1]),
			frappe.PermissionError,
		)


def pool_log_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""A pool log row is seen by whoever sees its record."""
	user = user or frappe.session.user
	if get_scope(user).unrestricted:
		return ""
	table = "`tabCRM Pool Log`"
	parts = []
	for target in sorted(POOLED):  # a customer's rows stay visible after its pool is turned off
		condition = access.condition_sql(get_scope(user, target), f"`tab{target}`", frappe.db.escape)
		parts.append(
			f"({table}.`reference_doctype` = {frappe.db.escape(target)} and {table}.`reference_name` in "
			f"(select `name` from `tab{target}` where {condition or '1=1'}))"
		)
	return "(" + " or ".join(parts) + ")"


def pool_log_has_permission(doc, ptype: str | None = None, user: str | None = None, debug=False):
	scope = get_scope(user)
	if scope.unrestricted or doc.is_new():
		return None
	row = stored(doc, ["reference_doctype", "reference_name"])
	if row["reference_doctype"] not in POOLED:
		return False
	record = owned_record(row["reference_doctype"], row["reference_name"])
	return None if record and _allowed(get_scope(user, row["reference_doctype"]), record, ptype) else False


def opportunity_linked_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	opportunity = "CRM Opportunity"
	return access.linked_condition_sql(
		get_scope(user, opportunity),
		f"`tab{doctype}`",
		OPPORTUNITY_LINKED[doctype],
		frappe.db.escape,
		f"tab{opportunity}",
	)


def opportunity_linked_has_permission(doc, ptype: str | None = None, user: str | None = None, debug=False):
	scope = get_scope(user, "CRM Opportunity")
	if scope.unrestricted:
		return None
	name = stored(doc, [OPPORTUNITY_LINKED[doc.doctype]])[OPPORTUNITY_LINKED[doc.doctype]]
	if not name:
		return None
	row = frappe.db.get_value(
		"CRM Opportunity", name, ["name", "account_manager", "sales_team", "division"], as_dict=True
	)
	return None if row is None or _allowed(scope, row, ptype) else False


def check_customer_access(customer: str, ptype: str = "read", user: str | None = None) -> None:
	"""Throw a translated PermissionError unless the user may `ptype` the customer."""
	if not customer:
		return
	if not frappe.has_permission(CUSTOMER, ptype, customer, user=user):
		frappe.throw(
			_("You are not permitted to access the customer {0}").format(
				frappe.bold(composed.escape(customer))
			),
			frappe.PermissionError,
		)


# Records that may point at a customer the user only reads: service staff log complaints and enter
# survey answers for the customers of the divisions they serve. Everything else needs write.
READ_LINKED = frozenset({"CRM Complaint", "CRM Survey Invitation", "CRM Survey Response"})


def check_customer_link(doc, method=None) -> None:
	"""validate hook of records that belong to a customer: a new record, or one moved to another
	customer, needs the user's access to the customer it now points at (the stored one is checked by
	has_permission). System writes (`ignore_permissions`) and installs are not checked."""
	if doc.flags.ignore_permissions or frappe.flags.in_install or frappe.flags.in_migrate:
		return
	if not doc.get("customer") or not (doc.is_new() or doc.has_value_changed("customer")):
		return
	check_customer_access(doc.customer, "read" if doc.doctype in READ_LINKED else "write")


def check_contact_links(doc, method=None) -> None:
	"""A contact can only be linked to customers the user may edit."""
	for link in doc.get("links") or []:
		if link.link_doctype == CUSTOMER and link.link_name:
			check_customer_access(link.link_name, "write")


# ---------------------------------------------------------------- records of a rep and of a customer


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


def rep_condition(scope: access.Scope, table: str, rep_field: str) -> str:
	users = reps_of(scope)
	return f"{table}.`{rep_field}` in ({', '.join(frappe.db.escape(u) for u in sorted(users))})"


def visit_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""A visit is seen by whoever sees its customer, and by its rep and the rep's managers."""
	scope = get_scope(user)
	if scope.unrestricted:
		return ""
	table = f"`tab{doctype or 'CRM Visit'}`"
	by_customer = access.linked_condition_sql(scope, table, "customer", frappe.db.escape, f"tab{CUSTOMER}")
	return f"({by_customer} or {rep_condition(scope, table, 'sales_rep')})"


def visit_has_permission(doc, ptype: str | None = None, user: str | None = None, debug=False):
	scope = get_scope(user)
	if scope.unrestricted or doc.is_new():
		return None
	row = stored(doc, ["sales_rep", "customer"])
	if row["sales_rep"] in reps_of(scope):
		return None
	return None if _allowed(scope, customer_record(row["customer"]), ptype) else False


def plan_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	scope = get_scope(user)
	if scope.unrestricted:
		return ""
	table = "`tabCRM Visit Plan`"
	return (
		f"({rep_condition(scope, table, 'sales_rep')} or {table}.`approver` = {frappe.db.escape(scope.user)})"
	)


def plan_has_permission(doc, ptype: str | None = None, user: str | None = None, debug=False):
	scope = get_scope(user)
	if scope.unrestricted or doc.is_new():
		return None
	row = stored(doc, ["sales_rep", "approver"])
	if row["sales_rep"] in reps_of(scope) or row["approver"] == scope.user:
		return None
	return False


def complaint_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""A complaint is seen by whoever sees its customer (service staff: the divisions they serve)
	and by its handler."""
	scope = get_scope(user)
	if scope.unrestricted:
		return ""
	table = "`tabCRM Complaint`"
	by_customer = access.linked_condition_sql(scope, table, "customer", frappe.db.escape, f"tab{CUSTOMER}")
	return f"({by_customer} or {table}.`handler` = {frappe.db.escape(scope.user)})"


def complaint_has_permission(doc, ptype: str | None = None, user: str | None = None, debug=False):
	"""Service staff handle complaints of the customers they serve, so reading the customer is enough."""
	scope = get_scope(user)
	if scope.unrestricted or doc.is_new():
		return None
	row = stored(doc, ["handler", "customer"])
	if row["handler"] == scope.user:
		return None
	return None if access.can_read(scope, customer_record(row["customer"]) or {}) else False


# ---------------------------------------------------------------- rows and records that point at a record

# Child tables whose rows belong to a permission-ruled parent. Frappe applies only the parent's role
# permission when rows are read on their own (`frappe.client.get_list(child, parent=...)`); the row
# rule is the parent's: a row is seen by whoever sees its parent.
CHILD_TABLES = {
	"CRM Customer Key Person": "CRM Customer",
	"CRM Survey Answer": "CRM Survey Response",
	"CRM Visit Plan Item": "CRM Visit Plan",
	"CRM Complaint Forward": "CRM Complaint",
	"CRM Complaint Escalation": "CRM Complaint",
	"CRM Customer Transfer Item": "CRM Customer Transfer",
}

# Framework records that point at another record: (DocType, field of the DocType, field of the name).
REFERENCES = {
	"File": ("attached_to_doctype", "attached_to_name"),
	"Tag Link": ("document_type", "document_name"),
	"Communication": ("reference_doctype", "reference_name"),
	"Comment": ("reference_doctype", "reference_name"),
	"Energy Point Log": ("reference_doctype", "reference_name"),
}


def ruled_doctypes() -> list[str]:
	"""The app's DocTypes with a row rule of their own (not the child tables, not the references)."""
	hooks = frappe.get_hooks("permission_query_conditions")
	return sorted(dt for dt in hooks if dt.startswith("CRM ") and dt not in CHILD_TABLES)


def record_condition(doctype: str, user: str) -> str:
	"""The row rule of `doctype` for `user` as SQL on `tab{doctype}`: "" when the user sees every row."""
	conditions = []
	for method in frappe.get_hooks("permission_query_conditions").get(doctype, []):
		if condition := frappe.call(frappe.get_attr(method), user, doctype=doctype):
			conditions.append(condition)
	return " and ".join(f"({c})" for c in conditions)


def child_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	parent = CHILD_TABLES[doctype]
	if get_scope(user).unrestricted:
		return ""
	condition = record_condition(parent, user or frappe.session.user) or "1=1"
	table = f"`tab{doctype}`"
	return (
		f"({table}.`parenttype` = {frappe.db.escape(parent)} and {table}.`parent` in "
		f"(select `name` from `tab{parent}` where {condition}))"
	)


def reference_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""Files, tags, comments and messages attached to the app's records: listed only for records the
	user may read (or that the user created). Frappe lists private files of every DocType the user
	can read and tags of every record; the record's own rule narrows that to its rows."""
	user = user or frappe.session.user
	if get_scope(user).unrestricted:
		return ""
	type_field, name_field = REFERENCES[doctype]
	table = f"`tab{doctype}`"
	ruled = sorted(ruled_record_types())
	parts = [
		f"ifnull({table}.`{type_field}`, '') not in ({', '.join(frappe.db.escape(dt) for dt in ruled)})",
		f"{table}.`owner` = {frappe.db.escape(user)}",
	]
	for ruled_doctype in ruled:
		condition = record_condition(ruled_doctype, user)
		if not condition:
			parts.append(f"{table}.`{type_field}` = {frappe.db.escape(ruled_doctype)}")
			continue
		parts.append(
			f"({table}.`{type_field}` = {frappe.db.escape(ruled_doctype)} and {table}.`{name_field}` in "
			f"(select `name` from `tab{ruled_doctype}` where {condition}))"
		)
	return "(" + " or ".join(parts) + ")"


def transfer_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""A customer transfer is seen by whoever made it and by the reps it moved customers from or to."""
	scope = get_scope(user)
	if scope.unrestricted:
		return ""
	table = "`tabCRM Customer Transfer`"
	users = ", ".join(frappe.db.escape(u) for u in sorted(reps_of(scope)))
	return f"({table}.`owner` = {frappe.db.escape(scope.user)} or {table}.`from_user` in ({users}) or {table}.`to_user` in ({users}))"


def check_assignment(doc, method=None) -> None:
	"""validate hook of ToDo. An open assignment on one of the app's records grants its assignee access
	(a rep's assigned customers; a complaint's handler), so only a user who may edit the record may
	make one: a ToDo that assigns a record to yourself, or `assign_to.add` (which checks only read),
	grants nothing the assigner does not have. Guests never reach ToDo; their requests only get here
	through the app's own system writes (a survey's follow-up complaint and its assignment rule)."""
	if frappe.flags.in_install or frappe.flags.in_migrate or frappe.session.user == "Guest":
		return
	if not doc.reference_type or not doc.reference_name:
		return
	if doc.reference_type not in frappe.get_hooks("permission_query_conditions"):
		return
	# A new ToDo, even a closed one (it writes "assigned" on the record's timeline), and one re-pointed,
	# re-assigned or re-opened.
	repointed = not doc.is_new() and any(
		doc.has_value_changed(f) for f in ("reference_type", "reference_name")
	)
	granting = (
		doc.is_new()
		or repointed  # even a closed ToDo: its form shows the record's title
		or (doc.status == "Open" and any(doc.has_value_changed(f) for f in ("allocated_to", "status")))
	)
	if not granting or get_scope().unrestricted:
		return
	if not frappe.has_permission(doc.reference_type, "write", doc.reference_name):
		frappe.throw(
			_("You may only assign {0} {1} if you may edit it").format(
				_(doc.reference_type), doc.reference_name
			),
			frappe.PermissionError,
		)


def transfer_has_permission(doc, ptype: str | None = None, user: str | None = None, debug=False):
	scope = get_scope(user)
	if scope.unrestricted or doc.is_new():
		return None
	row = stored(doc, ["owner", "from_user", "to_user"])
	users = reps_of(scope)
	return (
		None if row["owner"] == scope.user or row["from_user"] in users or row["to_user"] in users else False
	)


def target_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""A sales target is seen by its rep and by the managers and division heads above the rep."""
	scope = get_scope(user)
	if scope.unrestricted:
		return ""
	return rep_condition(scope, "`tabCRM Sales Target`", "sales_rep")


def target_has_permission(doc, ptype: str | None = None, user: str | None = None, debug=False):
	scope = get_scope(user)
	if scope.unrestricted:
		return None
	reps = reps_of(scope)
	if doc.is_new():
		return None if doc.get("sales_rep") in reps or ptype not in ("create", "write") else False
	if stored(doc, ["sales_rep"])["sales_rep"] not in reps:
		return False
	if ptype not in READ_PTYPES and doc.get("sales_rep") not in reps:
		return False  # moved to a rep outside the user's teams
	return None


# ---------------------------------------------------------------- rows, attachments, links and history


def refuse_standalone_row(doc, method=None) -> None:
	"""validate of the app's child tables. Runs only when a row is inserted or saved on its own (rows
	saved with their parent run no hooks): rows are written with their parent, which checks them."""
	if doc.flags.ignore_permissions or frappe.flags.in_install or frappe.flags.in_migrate:
		return
	if frappe.session.user == "Administrator":
		return
	frappe.throw(
		_("Rows of {0} are saved with their {1}").format(
			_(doc.doctype), _(CHILD_TABLES.get(doc.doctype, ""))
		),
		frappe.PermissionError,
	)


def check_rows_belong(doc, method=None) -> None:
	"""validate of the parents of the app's child tables: a row sent with an existing row's name must be
	a row of this record. Frappe updates a row by its name alone, so a row of another record named in
	a save would be moved here and overwritten."""
	for df in doc.meta.get_table_fields():
		names = [d.name for d in doc.get(df.fieldname) if d.name and not d.get("__islocal")]
		if not names:
			continue
		foreign = frappe.get_all(
			df.options,
			filters={"name": ("in", names), "parent": ("!=", doc.name or "")},
			pluck="name",
		)
		if foreign:
			frappe.throw(
				_("Row {0} does not belong to {1}").format(foreign[0], doc.name), frappe.PermissionError
			)


def ruled_record_types() -> set[str]:
	return {*ruled_doctypes(), *CHILD_TABLES.values()}


def check_attachment(doc, method=None) -> None:
	"""validate of File. A file attached to one of the app's records is private and needs the right to
	edit the record; a file record that points at an existing private file needs the right to read
	one of the records already holding it (otherwise a new File row with the same URL would hand
	its owner another division's file)."""
	if frappe.flags.in_install or frappe.flags.in_migrate or frappe.session.user == "Administrator":
		return
	if doc.attached_to_doctype in ruled_record_types():
		doc.is_private = 1
		attaching = doc.is_new() or doc.has_value_changed("attached_to_name")
		if attaching and doc.attached_to_name and not doc.flags.ignore_permissions:
			if not get_scope().unrestricted and not frappe.has_permission(
				doc.attached_to_doctype, "write", doc.attached_to_name
			):
				frappe.throw(
					_("You may only attach files to {0} {1} if you may edit it").format(
						_(doc.attached_to_doctype), doc.attached_to_name
					),
					frappe.PermissionError,
				)
	# Checked even for system writes: Frappe's add_attachments copies a file by name with ignore_permissions.
	url = doc.file_url or ""
	if url.startswith("/private/") and (doc.is_new() or doc.has_value_changed("file_url")):
		holders = frappe.get_all(
			"File", filters={"file_url": url, "name": ("!=", doc.name or "")}, pluck="name"
		)
		readable = (frappe.has_permission("File", "read", holder) for holder in holders)
		if holders and not any(readable):
			frappe.clear_messages()  # Frappe's check names the record holding the file
			frappe.throw(_("File {0} not found").format(composed.escape(url)), frappe.PermissionError)


def check_address_links(doc, method=None) -> None:
	"""An address, like a contact, can only be linked to customers the user may edit."""
	check_contact_links(doc, method)


def check_event_participants(doc, method=None) -> None:
	"""validate of Event: a participant that is one of the app's records must be readable (Frappe
	looks up and shows the participant's contact email)."""
	for row in doc.get("event_participants") or []:
		if row.reference_doctype in ruled_record_types() and row.reference_docname:
			if not frappe.has_permission(row.reference_doctype, "read", row.reference_docname):
				frappe.throw(
					_("You are not permitted to access {0} {1}").format(
						_(row.reference_doctype), row.reference_docname
					),
					frappe.PermissionError,
				)


def mask_version(doc, method=None) -> None:
	"""before_insert of Version: changes of fields at a permission level above 0 (ID numbers, personal
	mobiles) are kept without their values, so that the history does not show them to a user who may
	read the record but not those fields."""
	if doc.ref_doctype not in ruled_record_types() or not doc.data:
		return
	hidden = {df.fieldname for df in frappe.get_meta(doc.ref_doctype).fields if df.permlevel == 1}
	data = frappe.parse_json(doc.data)
	changed = data.get("changed") or []
	if hidden and any(row[0] in hidden for row in changed):
		data["changed"] = [[row[0], "***", "***"] if row[0] in hidden else row for row in changed]
		doc.data = frappe.as_json(data, indent=None)


def check_placement(doc, method=None) -> None:
	"""validate of CRM Customer, Lead and Opportunity: a record goes only where its user may put it.

	Its owner is the user or a rep of the user's teams; its team one the user belongs to or manages;
	its division (without a team) one of the user's. Otherwise a rep could drop records into another
	division's lists, or a manager hand them to another division's rep."""
	if doc.flags.ignore_permissions or frappe.flags.in_install or frappe.flags.crm_plus_transfer:
		return
	scope = get_scope()
	if scope.unrestricted:
		return
	new = doc.is_new()
	if doc.get("account_manager") and (new or doc.has_value_changed("account_manager")):
		if doc.account_manager not in reps_of(scope):
			frappe.throw(
				_("You may only give {0} to yourself or a rep of your teams").format(_(doc.doctype)),
				frappe.PermissionError,
			)
	if doc.sales_team and (new or doc.has_value_changed("sales_team")):
		if doc.sales_team not in placeable_teams(scope):
			if doc.doctype == CUSTOMER:
				frappe.throw(
					_("You may only put a customer in a sales team you belong to or manage"),
					frappe.PermissionError,
				)
			frappe.throw(
				_("You may only put {0} in a sales team you belong to or manage").format(_(doc.doctype)),
				frappe.PermissionError,
			)
	if doc.get("division") and (new or doc.has_value_changed("division")):
		teams = placeable_teams(scope)
		divisions = set(scope.divisions) | set(
			frappe.get_all("CRM Sales Team", {"name": ("in", sorted(teams) or [""])}, pluck="division")
		)
		if doc.division not in divisions:
			frappe.throw(
				_("You may only put {0} in your own division").format(_(doc.doctype)), frappe.PermissionError
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


# Framework child tables whose parents have row rules: a row is seen by whoever sees its parent.
FRAMEWORK_CHILDREN = {
	"Contact Phone": ("Contact",),
	"Contact Email": ("Contact",),
	"Dynamic Link": ("Contact", "Address"),
	"Event Participants": ("Event",),
}


def framework_child_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	from frappe.model.db_query import DatabaseQuery

	user = user or frappe.session.user
	if user == "Administrator" or "System Manager" in frappe.get_roles(user):
		return ""
	table = f"`tab{doctype}`"
	parents = FRAMEWORK_CHILDREN[doctype]
	parts = [f"ifnull({table}.`parenttype`, '') not in ({', '.join(frappe.db.escape(p) for p in parents)})"]
	for parent in parents:
		try:
			condition = DatabaseQuery(parent, user=user).build_match_conditions()
		except frappe.PermissionError:
			condition = "1=0"
		parts.append(
			f"({table}.`parenttype` = {frappe.db.escape(parent)} and {table}.`parent` in "
			f"(select `name` from `tab{parent}` where {condition or '1=1'}))"
		)
	return "(" + " or ".join(parts) + ")"


def check_follow(doc, method=None) -> None:
	"""validate of Document Follow: the follower must be able to read the record (the follow digest
	mails its changes and comments, read without permission checks), and one follows for oneself."""
	if doc.ref_doctype not in ruled_record_types() or frappe.flags.in_install:
		return
	user = frappe.session.user
	if doc.user != user and user != "Administrator" and "System Manager" not in frappe.get_roles(user):
		frappe.throw(_("You may only follow documents for yourself"), frappe.PermissionError)
	if not frappe.has_permission(doc.ref_doctype, "read", doc.ref_docname, user=doc.user):
		frappe.throw(
			_("You are not permitted to access {0} {1}").format(_(doc.ref_doctype), doc.ref_docname),
			frappe.PermissionError,
		)


# ---------------------------------------------------------------- issue 23 (s6h): the rule as two reads
# A rep's list when colleagues assigned them a few customers: `account_manager = me or name in (...)`
# is an index merge of all the rep's customers and a sort; the same rows come from two index-ordered
# reads, one per branch of the rule (crm_plus.list_view). Only where the rule is exactly those branches.


def own_or_assigned(doctype: str, user: str | None = None) -> tuple[str, frozenset[str]] | None:
	"""(owner field, names) when the user's rule on `doctype` is exactly "records they own, or these
	named ones" (their open assignments and what is shared with them), with some named; else None."""
	user = user or frappe.session.user
	if doctype != CUSTOMER:
		return None
	scope = get_scope(user, doctype)
	if scope.unrestricted or scope.assigned is None or not scope.assigned:
		return None
	if scope.teams or scope.divisions or scope.served_divisions or scope.pool_divisions:
		return None
	# What frappe.share.get_shared(doctype, user) lists (read shares to the user or to everyone), in one
	# query instead of a get_all through the framework (a third of the list's time).
	shared = frappe.db.sql_list(
		"""select share_name from `tabDocShare` where `read` = 1 and share_doctype = %s
		and (`user` = %s or everyone = 1)""",
		(doctype, user),
	)
	return "account_manager", frozenset(scope.assigned) | frozenset(shared)
