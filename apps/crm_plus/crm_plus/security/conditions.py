"""Each kind of rule of crm_plus.security.table, written once as an SQL condition on `tab{doctype}`.

`query_conditions` is the permission_query_conditions hook of every listed DocType: lists, reports,
link search, counts, the group-by sidebar and exports. `has_permission` is the deny-only check of a
single record (form, REST, frappe.client, attachments): it runs the same condition, for reading or for
writing, on the stored row (`select (<condition>) from tab{doctype} where name = ...`), so a field
edited in the request (the customer, the rep, the handler) grants nothing. A new record is judged by
what it is about to belong to: the same condition of the record it names (`of`), or, for the kinds
that have no such record, by its write guards when it is saved (crm_plus.security.guards).
"""

import frappe

from crm_plus.domain import access, activities
from crm_plus.security import table
from crm_plus.security.scope import (
	CUSTOMER,
	READ_PTYPES,
	get_scope,
	is_framework_admin,
	reps_of,
)
from crm_plus.security.table import RULES, Rule

# Child tables whose rows belong to a permission-ruled parent. Frappe applies only the parent's role
# permission when rows are read on their own (`frappe.client.get_list(child, parent=...)`); the row
# rule is the parent's: a row is seen by whoever sees its parent.
CHILD_TABLES = table.child_tables()
# Framework records that point at another record: (DocType, field of the DocType, field of the name).
REFERENCES = {dt: rule.field for dt, rule in RULES.items() if rule.kind == table.REFERENCE}


def escape(value) -> str:
	return frappe.db.escape(value)


def values(items) -> str:
	return ", ".join(escape(v) for v in sorted(items))


def in_records(column: str, doctype: str, condition: str) -> str:
	"""`column` names a record of `doctype` that passes `condition` ("": any record)."""
	return f"{column} in (select `name` from `tab{doctype}` where {condition or '1=1'})"


def rep_condition(scope: access.Scope, table_name: str, rep_field: str) -> str:
	"""The user's own records and those of the reps of their teams (reps_of)."""
	return f"{table_name}.`{rep_field}` in ({values(reps_of(scope))})"


# ---------------------------------------------------------------- the kinds, each once


def customer_rule(rule: Rule, doctype: str, user: str, write: bool) -> str:
	"""Customers, leads and opportunities: crm_plus.domain.access on the record's own columns."""
	return access.condition_sql(get_scope(user, doctype), f"`tab{doctype}`", escape, for_write=write)


def belongs_to(rule: Rule, doctype: str, user: str, write: bool) -> str:
	if get_scope(user, rule.of).unrestricted:
		return ""
	inner = condition(rule.of, user, write)
	return in_records(f"`tab{doctype}`.`{rule.field}`", rule.of, inner)


def _customer_or(rule: Rule, doctype: str, user: str, write: bool, other) -> str:
	"""The record's customer (`rule.field`, a record of `rule.of`) passes that record's condition, or
	`other(scope, table)` holds on the record."""
	scope = get_scope(user)
	if scope.unrestricted:
		return ""
	t = f"`tab{doctype}`"
	by_customer = in_records(f"{t}.`{rule.field}`", rule.of, condition(rule.of, user, write))
	return f"({by_customer} or {other(scope, t)})"


def rep_or_customer(rule: Rule, doctype: str, user: str, write: bool) -> str:
	return _customer_or(rule, doctype, user, write, lambda scope, t: rep_condition(scope, t, "sales_rep"))


def handler_or_customer(rule: Rule, doctype: str, user: str, write: bool) -> str:
	"""Reading the customer is enough for any permission: service staff handle the complaints of the
	customers they serve."""
	return _customer_or(rule, doctype, user, False, lambda scope, t: f"{t}.`handler` = {escape(scope.user)}")


def owned_by_rep(rule: Rule, doctype: str, user: str, write: bool) -> str:
	scope = get_scope(user)
	if scope.unrestricted:
		return ""
	t = f"`tab{doctype}`"
	fields = (rule.field,) if isinstance(rule.field, str) else rule.field
	parts = [f"{t}.`{f}` = {escape(scope.user)}" for f in rule.users]
	parts += [rep_condition(scope, t, f) for f in fields]
	return parts[0] if len(parts) == 1 else "(" + " or ".join(parts) + ")"


def against(rule: Rule, doctype: str, user: str, write: bool) -> str:
	"""An activity is seen (edited) by whoever sees (edits) the lead, customer or opportunity it is
	against (it is against exactly one: crm_plus.domain.activities.target_error)."""
	if get_scope(user).unrestricted:
		return ""
	t = f"`tab{doctype}`"
	parts = [
		in_records(f"{t}.`{activities.TARGET_FIELDS[target]}`", target, condition(target, user, write))
		for target in rule.of
	]
	return "(" + " or ".join(parts) + ")"


def log_of(rule: Rule, doctype: str, user: str, write: bool) -> str:
	"""A pool log row is seen by whoever sees its record (a customer's rows stay visible after the
	customer pool is turned off); a row of any other DocType by no one."""
	if get_scope(user).unrestricted:
		return ""
	t = f"`tab{doctype}`"
	type_field, name_field = rule.field
	parts = [
		f"({t}.`{type_field}` = {escape(target)} and "
		f"{in_records(f'{t}.`{name_field}`', target, condition(target, user, write))})"
		for target in sorted(rule.of)
	]
	return "(" + " or ".join(parts) + ")"


def child_row(rule: Rule, doctype: str, user: str, write: bool) -> str:
	if get_scope(user).unrestricted:
		return ""
	t = f"`tab{doctype}`"
	return f"({t}.`parenttype` = {escape(rule.of)} and {in_records(f'{t}.`parent`', rule.of, condition(rule.of, user, write))})"


def reference(rule: Rule, doctype: str, user: str, write: bool) -> str:
	"""Files, tags, comments and messages attached to the app's records: listed only for records the
	user may read (or that the user created). Frappe lists private files of every DocType the user
	can read and tags of every record; the record's own rule narrows that to its rows."""
	if get_scope(user).unrestricted:
		return ""
	type_field, name_field = rule.field
	t = f"`tab{doctype}`"
	ruled = sorted(ruled_record_types())
	parts = [f"ifnull({t}.`{type_field}`, '') not in ({values(ruled)})", f"{t}.`owner` = {escape(user)}"]
	for ruled_doctype in ruled:
		if not (inner := condition(ruled_doctype, user, write)):
			parts.append(f"{t}.`{type_field}` = {escape(ruled_doctype)}")
			continue
		parts.append(
			f"({t}.`{type_field}` = {escape(ruled_doctype)} and "
			f"{in_records(f'{t}.`{name_field}`', ruled_doctype, inner)})"
		)
	return "(" + " or ".join(parts) + ")"


def crm_user(user: str) -> bool:
	"""A user with a CRM role, not a System Manager (who keeps Frappe's rules)."""
	from crm_plus.domain.roles import ALL_ROLES

	return bool(set(frappe.get_roles(user)) & set(ALL_ROLES)) and not is_framework_admin(user)


def contact(rule: Rule, doctype: str, user: str, write: bool) -> str:
	"""Contacts and addresses follow the customers they are linked to (crm_plus.crm_customers.contacts),
	and their creator's."""
	if not crm_user(user):
		return ""
	t = f"`tab{doctype}`"
	linked = (
		f"select 1 from `tabDynamic Link` dl where dl.parenttype = {escape(doctype)} "
		f"and dl.parent = {t}.`name` and dl.link_doctype = {escape(CUSTOMER)}"
	)
	if customers := condition(CUSTOMER, user, write):
		linked += f" and {in_records('dl.link_name', CUSTOMER, customers)}"
	return f"({t}.`owner` = {escape(user)} or exists ({linked}))"


def framework_row(rule: Rule, doctype: str, user: str, write: bool) -> str:
	"""A row of a framework DocType is seen by whoever sees its parent under Frappe's own rules and the
	parent's row rule."""
	from frappe.model.db_query import DatabaseQuery

	if is_framework_admin(user):
		return ""
	t = f"`tab{doctype}`"
	parts = [f"ifnull({t}.`parenttype`, '') not in ({', '.join(escape(p) for p in rule.of)})"]
	for parent in rule.of:
		try:
			inner = DatabaseQuery(parent, user=user).build_match_conditions()
		except frappe.PermissionError:
			inner = "1=0"
		parts.append(
			f"({t}.`parenttype` = {escape(parent)} and {in_records(f'{t}.`parent`', parent, inner)})"
		)
	return "(" + " or ".join(parts) + ")"


def published(rule: Rule, doctype: str, user: str, write: bool) -> str:
	"""Staff read the published records; their writers (and executives) the drafts too."""
	from crm_plus.domain.roles import SOLUTION_DRAFT_READERS

	if user == "Administrator" or SOLUTION_DRAFT_READERS & set(frappe.get_roles(user)):
		return ""
	return f"`tab{doctype}`.`published` = 1"


KINDS = {
	table.CUSTOMER_RULE: customer_rule,
	table.BELONGS_TO: belongs_to,
	table.REP_OR_CUSTOMER: rep_or_customer,
	table.HANDLER_OR_CUSTOMER: handler_or_customer,
	table.OWNED_BY_REP: owned_by_rep,
	table.AGAINST: against,
	table.LOG_OF: log_of,
	table.CHILD_ROW: child_row,
	table.REFERENCE: reference,
	table.CONTACT: contact,
	table.FRAMEWORK_ROW: framework_row,
	table.PUBLISHED: published,
}


def condition(doctype: str, user: str | None = None, write: bool = False) -> str:
	"""The row rule of `doctype` for `user` as SQL on `tab{doctype}`: "" when the user sees (or, with
	`write`, edits) every row."""
	rule = RULES.get(doctype)
	if rule is None or rule.kind not in KINDS:
		return ""
	return KINDS[rule.kind](rule, doctype, user or frappe.session.user, write)


# ---------------------------------------------------------------- the two hooks


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""permission_query_conditions of every DocType the table gives a condition."""
	return condition(doctype, user)


def has_permission(doc, ptype: str | None = None, user: str | None = None, debug=False):
	"""has_permission of every DocType the table checks: the kind's condition run on the stored row."""
	user = user or frappe.session.user
	rule = RULES[doc.doctype]
	write = ptype not in READ_PTYPES
	if doc.is_new() or not doc.name:
		return new_record_allowed(rule, doc, ptype, user)
	if (
		rule.placed
		and write
		and not get_scope(user).unrestricted
		and doc.get(rule.field) not in reps_of(get_scope(user))
	):
		return False  # moved to a rep outside the user's teams
	if not (rule_sql := condition(doc.doctype, user, write)):
		return None
	return None if row_passes(doc.doctype, doc.name, rule_sql) is not False else False


def row_passes(doctype: str, name: str, rule_sql: str) -> bool | None:
	"""Does the stored row pass the condition? None when no such row is stored."""
	rows = frappe.db.sql(f"select ({rule_sql}) from `tab{doctype}` where `name` = %s", name)
	return None if not rows else bool(rows[0][0])


def new_record_allowed(rule: Rule, doc, ptype: str | None, user: str):
	"""A new record is judged by the record it belongs to (the same condition on that record); a new
	sales target must be for a rep of the user's. Everything else is checked when it is saved."""
	if rule.kind == table.BELONGS_TO:
		name = doc.get(rule.field)
		if not name or not (rule_sql := condition(rule.of, user, ptype not in READ_PTYPES)):
			return None
		return None if row_passes(rule.of, name, rule_sql) is not False else False
	if rule.kind in (table.REP_OR_CUSTOMER, table.HANDLER_OR_CUSTOMER, table.AGAINST):
		# Unsaved, it is no one's record yet: it is judged by the records it names, as its write guards
		# will judge it (a visit and an activity need the right to edit them, a complaint to read its
		# customer). Otherwise a document the client sends (the print view) shows their titles.
		write = ptype not in READ_PTYPES and rule.kind != table.HANDLER_OR_CUSTOMER
		if rule.kind == table.AGAINST:
			named = [(target, activities.TARGET_FIELDS[target]) for target in rule.of]
		else:
			named = [(rule.of, rule.field)]
		for target, field in named:
			name = doc.get(field)
			if name and (rule_sql := condition(target, user, write)):
				if row_passes(target, name, rule_sql) is False:
					return False
		return None
	if rule.placed:
		scope = get_scope(user)
		if scope.unrestricted or doc.get(rule.field) in reps_of(scope) or ptype not in ("create", "write"):
			return None
		return False
	return None


# ---------------------------------------------------------------- what the rest of the shell asks


def ruled_doctypes() -> list[str]:
	"""The app's DocTypes with a row rule of their own (not the child tables, not the references)."""
	return sorted(
		dt
		for dt, rule in RULES.items()
		if dt.startswith("CRM ") and rule.kind in table.LISTED and rule.kind != table.CHILD_ROW
	)


def ruled_record_types() -> set[str]:
	return {*ruled_doctypes(), *CHILD_TABLES.values()}


def record_condition(doctype: str, user: str) -> str:
	"""The row rule of `doctype` for `user` as SQL on `tab{doctype}`: "" when the user sees every row
	(every permission_query_conditions hook of the DocType, the app's and any other app's)."""
	conditions = []
	for method in frappe.get_hooks("permission_query_conditions").get(doctype, []):
		if found := frappe.call(frappe.get_attr(method), user, doctype=doctype):
			conditions.append(found)
	return " and ".join(f"({c})" for c in conditions)
