"""Data permissions of CRM Plus: the Frappe side of crm_plus.domain.access.

The rule is built once per request from the user's roles and place in the organisation, then used
as an SQL condition (lists, reports, link search, counts, group-by sidebar, exports) and as a
deny-only check of single documents (form, REST, frappe.client, attachments).
"""

import frappe
from frappe import _

from crm_plus.domain import access

CUSTOMER = "CRM Customer"


def get_scope(user: str | None = None) -> access.Scope:
	user = user or frappe.session.user
	cache = getattr(frappe.local, "crm_plus_scopes", None)
	if cache is None:
		cache = frappe.local.crm_plus_scopes = {}
	if user not in cache:
		cache[user] = _build_scope(user)
	return cache[user]


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
		CUSTOMER, name, ["account_manager", "sales_team", "division", "_assign"], as_dict=True
	)


def _allowed(scope: access.Scope, record: dict | None, ptype: str | None) -> bool:
	if record is None:
		return True  # a new record: its customer is checked when it is linked
	if ptype in (None, "read", "select", "print", "email", "report", "export"):
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


def linked_has_permission(doc, ptype: str | None = None, user: str | None = None, debug=False):
	scope = get_scope(user)
	if scope.unrestricted:
		return None
	customer = doc.get("customer")
	if not customer:
		return None
	return None if _allowed(scope, customer_record(customer), ptype) else False


def check_customer_access(customer: str, ptype: str = "read", user: str | None = None) -> None:
	"""Throw a translated PermissionError unless the user may `ptype` the customer."""
	if not customer:
		return
	if not frappe.has_permission(CUSTOMER, ptype, customer, user=user):
		frappe.throw(
			_("You are not permitted to access the customer {0}").format(frappe.bold(customer)),
			frappe.PermissionError,
		)


def check_linked_customer(doc, method=None) -> None:
	"""validate hook of records that belong to a customer: the user must be able to write to it."""
	if doc.get("customer") and not frappe.flags.in_install and not frappe.flags.in_migrate:
		check_customer_access(doc.customer, "write")


def check_contact_links(doc, method=None) -> None:
	"""A contact can only be linked to customers the user may edit."""
	for link in doc.get("links") or []:
		if link.link_doctype == CUSTOMER and link.link_name:
			check_customer_access(link.link_name, "write")


# ---------------------------------------------------------------- records of a rep and of a customer


def visible_reps(scope: access.Scope) -> set[str]:
	"""The reps whose own records (visits, plans) a manager or division head sees: their teams' members."""
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
	users = {scope.user, *visible_reps(scope)}
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
	if doc.get("sales_rep") in {scope.user, *visible_reps(scope)}:
		return None
	return None if _allowed(scope, customer_record(doc.get("customer")), ptype) else False


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
	if doc.get("sales_rep") in {scope.user, *visible_reps(scope)} or doc.get("approver") == scope.user:
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
	if scope.unrestricted or doc.is_new() or doc.get("handler") == scope.user:
		return None
	return None if access.can_read(scope, customer_record(doc.get("customer")) or {}) else False
