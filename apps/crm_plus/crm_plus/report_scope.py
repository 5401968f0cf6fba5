"""What every CRM Plus report shares: the viewer's permission condition on customers, the reps the
viewer may see, and the date filters."""

import frappe
from frappe import _
from frappe.utils import add_months, getdate, today

from crm_plus.domain import access
from crm_plus.security.conditions import rep_condition as rep_rule
from crm_plus.security.scope import get_scope


def viewer_unrestricted() -> bool:
	"""Does the viewer see every customer (executives, admins)? Then no permission join is needed."""
	return get_scope().unrestricted


def customer_condition(alias: str = "c") -> str:
	"""The data-permission rule on the customer table aliased `alias` ("1=1" for executives)."""
	return access.condition_sql(get_scope(), f"`{alias}`", frappe.db.escape) or "1=1"


def rep_condition(column: str) -> str:
	"""Rows of reps the viewer may see: their own, and their teams' for managers and division heads."""
	scope = get_scope()
	if scope.unrestricted:
		return "1=1"
	table, _dot, field = column.rpartition(".")
	return rep_rule(scope, table, field.strip("`"))


def period(filters) -> tuple:
	start = getdate(filters.get("from_date") or add_months(today(), -12))
	end = getdate(filters.get("to_date") or today())
	if start > end:
		frappe.throw(_("The start of the period is after its end"))
	return start, end


def org_filtered(filters) -> bool:
	return bool(filters.get("division") or filters.get("sales_team") or filters.get("account_manager"))


def org_condition(filters, alias: str = "c") -> str:
	"""Division, team and rep filters on the customer table."""
	parts = []
	if filters.get("division"):
		parts.append(f"`{alias}`.division = {frappe.db.escape(filters.division)}")
	if filters.get("sales_team"):
		parts.append(f"`{alias}`.sales_team = {frappe.db.escape(filters.sales_team)}")
	if filters.get("account_manager"):
		parts.append(f"`{alias}`.account_manager = {frappe.db.escape(filters.account_manager)}")
	return " and ".join(parts) or "1=1"


def owned_condition(doctype: str, alias: str) -> str:
	"""The data-permission rule on a table with its own owner, team and division (leads,
	opportunities) aliased `alias`, as the list applies it ("1=1" for executives)."""
	return access.condition_sql(get_scope(None, doctype), f"`{alias}`", frappe.db.escape) or "1=1"


def created_between(column: str) -> str:
	"""A sargable period condition on a datetime column (the period's end day included)."""
	return f"{column} >= %(start)s and {column} < %(until)s"


def top_groups(doctype: str, group_field: str, figure: str, limit: int, filters: dict | None = None) -> list:
	"""The viewer's records of `doctype` (get_list: their permissions) grouped by `group_field`: the `limit`
	groups with the largest `figure` (an SQL aggregate, read as `figure`) first, ties in the group's
	order (the same chart from any server). Rows: {group_field, figure}."""
	return frappe.get_list(
		doctype,
		fields=[group_field, f"{figure} as figure"],
		filters=filters,
		group_by=group_field,
		order_by=f"figure desc, {group_field} asc",
		limit_page_length=limit,
	)
