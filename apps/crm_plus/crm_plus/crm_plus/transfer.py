"""Customer transfer (分配客户): a departing rep's customers, and their open records, to another rep."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import get_url_to_form, now_datetime, today

from crm_plus.domain import access
from crm_plus.permissions import get_scope
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
	from_user: str, to_user: str, customers: list[str], to_team: str | None = None, reason: str = ""
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

	title = _("Transferred from {0} to {1}").format(from_user, to_user)
	bulk_insert_logs(
		"CRM Customer Event",
		["customer", "event_date", "event_type", "title", "description"],
		[(c, today(), "Ownership Change", title, reason) for c in customers],
	)
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
		).format(frappe.bold(doc.full_name or doc.name), count, url),
		title=_("Customers need a new account manager"),
		indicator="orange",
	)
