"""The row rules of CRM Plus: for each kind of DocType (crm_plus.security.table), the SQL condition
of its lists and the deny-only check of a single record."""

import frappe

from crm_plus.domain import access, activities
from crm_plus.security.scope import (
	CUSTOMER,
	POOLED,
	READ_PTYPES,
	_allowed,
	customer_record,
	get_scope,
	owned_fields,
	owned_record,
	reps_of,
	stored,
)

# Leads and opportunities are ruled like customers on their own columns (account_manager, sales_team,
# division; hooks._owned), with the user's open assignments of that DocType (get_scope).
# Records that belong to an opportunity: (DocType, field) -> seen by whoever sees the opportunity.
OPPORTUNITY_LINKED = {"CRM Opportunity Stage Log": "opportunity"}


def customer_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	return access.condition_sql(get_scope(user), f"`tab{CUSTOMER}`", frappe.db.escape)


def linked_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	return access.linked_condition_sql(
		get_scope(user), f"`tab{doctype}`", "customer", frappe.db.escape, f"tab{CUSTOMER}"
	)


def customer_has_permission(doc, ptype: str | None = None, user: str | None = None, debug=False):
	scope = get_scope(user)
	if scope.unrestricted:
		return None
	if doc.is_new() or not doc.name:
		return None
	# Judge by what is stored, so that changing the account manager in the form grants nothing.
	stored = customer_record(doc.name) or doc.as_dict()
	return None if _allowed(scope, stored, ptype) else False


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


def ruled_record_types() -> set[str]:
	return {*ruled_doctypes(), *CHILD_TABLES.values()}


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
