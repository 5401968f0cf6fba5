"""Customer transfer (分配客户): a departing rep's customers, and their open records, to another rep."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import get_url_to_form, now_datetime, today

from crm_plus.domain import access, composed
from crm_plus.security.scope import get_scope
from crm_plus.utils import bulk_insert_logs

CUSTOMER = "CRM Customer"


def customers_to_move(from_user: str, division: str | None = None) -> list[str]:
	"""The departing rep's customers that the current user may edit: one query with the write form of
	the shared access rule (service staff, who only read their divisions, move nothing)."""
	writable = access.condition_sql(get_scope(), "`c`", frappe.db.escape, for_write=True) or "1=1"
	return frappe.db.sql_list(
		f"""select c.name from `tab{CUSTOMER}` c
		where c.account_manager = %(user)s and (%(division)s is null or c.division = %(division)s) and {writable}
		order by c.name""",
		{"user": from_user, "division": division or None},
	)


def move(
	from_user: str,
	to_user: str,
	customers: list[str],
	to_team: str | None = None,
	reason: str = "",
	only_division: str | None = None,
) -> dict:
	"""Move the customers and every registered open record in one transaction; returns counts per DocType."""
	if not customers:
		return {CUSTOMER: 0}
	moved = {}
	values = {"account_manager": to_user}
	if to_team:
		values["sales_team"] = to_team
		values["division"] = frappe.db.get_value("CRM Sales Team", to_team, "division")
	table = frappe.qb.DocType(CUSTOMER)
	query = (
		frappe.qb.update(table).where(table.name.isin(customers)).where(table.account_manager == from_user)
	)
	for field, value in values.items():
		query = query.set(table[field], value)
	query.set(table.modified, now_datetime()).run()
	moved[CUSTOMER] = len(customers)

	moved |= move_owned(from_user, to_user, to_team, values.get("division"), only_division)
	for entry in frappe.get_hooks("crm_plus_transfer"):
		doctype = entry["doctype"]
		t = frappe.qb.DocType(doctype)
		criterion = t[entry.get("customer_field", "customer")].isin(customers) & (
			t[entry["user_field"]] == from_user
		)
		for field, allowed in (entry.get("open_filters") or {}).items():
			criterion &= t[field].isin(allowed)
		moved[doctype] = frappe.qb.from_(t).select(Count("*")).where(criterion).run()[0][0]
		frappe.qb.update(t).set(t[entry["user_field"]], to_user).where(criterion).run()

	# Written past the document's sanitizer (bulk_insert_logs): the reason goes in as escaped text (the
	# users are ids, which Frappe validates as email addresses).
	title = _("Transferred from {0} to {1}").format(from_user, to_user)
	description = composed.as_html_text(reason)
	bulk_insert_logs(
		"CRM Customer Event",
		["customer", "event_date", "event_type", "title", "description"],
		[(c, today(), "Ownership Change", title, description) for c in customers],
	)
	return moved


def move_owned(
	from_user: str, to_user: str, to_team: str | None, division: str | None, only_division: str | None = None
) -> dict:
	"""The departing rep's own open records that are not a customer's (leads, opportunities: the
	`crm_plus_transfer_owned` hook), those the current user may edit, to the successor (with the new
	team and division when one is given). Returns counts per DocType."""
	moved = {}
	for entry in frappe.get_hooks("crm_plus_transfer_owned"):
		doctype, field = entry["doctype"], entry["user_field"]
		writable = (
			access.condition_sql(
				get_scope(None, doctype), f"`tab{doctype}`", frappe.db.escape, for_write=True
			)
			or "1=1"
		)
		names = frappe.get_all(
			doctype,
			filters={
				field: from_user,
				**{k: ("in", v) for k, v in (entry.get("open_filters") or {}).items()},
			},
			pluck="name",
			ignore_permissions=True,
		)
		if names:
			names = frappe.db.sql_list(
				f"select name from `tab{doctype}` where name in %(names)s and {writable}",
				{"names": tuple(names)},
			)
		if not names:
			continue
		t = frappe.qb.DocType(doctype)
		query = frappe.qb.update(t).set(t[field], to_user).set(t.modified, now_datetime())
		if to_team:
			query = query.set(t.sales_team, to_team).set(t.division, division)
		query.where(t.name.isin(names)).where(t[field] == from_user).run()
		moved[doctype] = moved.get(doctype, 0) + len(names)
	return moved


def warn_when_owner_disabled(doc, method=None):
	"""When a user who still manages customers is disabled, say so and offer the transfer."""
	if doc.enabled or not doc.has_value_changed("enabled"):
		return
	count = frappe.db.count(CUSTOMER, {"account_manager": doc.name, "disabled": 0})
	if not count:
		return
	url = get_url_to_form("CRM Customer Transfer", "new") + f"?from_user={frappe.utils.quote(doc.name)}"
	frappe.msgprint(
		_(
			"{0} still manages {1} customers. <a href='{2}'>Transfer them to another rep</a> so that they are served as before."
		).format(frappe.bold(composed.escape(doc.full_name or doc.name)), count, url),
		title=_("Customers need a new account manager"),
		indicator="orange",
	)
