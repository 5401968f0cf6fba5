"""Whitelisted framework methods that CRM Plus narrows so that they respect its data permissions."""

import frappe
from frappe import client
from frappe.desk import listview
from frappe.utils import get_safe_filters


@frappe.whitelist()
def get_group_by_count(doctype: str, current_filters: str, field: str) -> list[dict]:
	"""The list sidebar's counts. Frappe v15 counts "Assigned To" over every record of the DocType,
	whatever the user may see; for CRM Plus DocTypes the count covers only permitted records."""
	if field != "assigned_to" or doctype not in permissioned_doctypes():
		return listview.get_group_by_count(doctype, current_filters, field)
	permitted = frappe.get_list(
		doctype, filters=frappe.parse_json(current_filters), fields=["name"], limit_page_length=0, run=False
	)
	return frappe.db.sql(
		f"""
		select todo.allocated_to as name, count(*) as count
		from `tabToDo` todo join `tabUser` u on u.name = todo.allocated_to
		where todo.status != 'Cancelled' and u.user_type = 'System User'
			and todo.reference_type = %(doctype)s and todo.reference_name in ({permitted})
		group by todo.allocated_to order by count desc limit 50
		""",
		{"doctype": doctype},
		as_dict=True,
	)


@frappe.whitelist()
def get_count(doctype: str, filters=None, debug=False, cache=False) -> int:
	"""`frappe.client.get_count`. Frappe v15 counts with no permission check at all; for CRM Plus
	DocTypes the count goes through get_list, so it covers only the records the user may read."""
	if doctype not in permissioned_doctypes():
		return client.get_count(doctype, filters=filters, debug=debug, cache=cache)
	rows = frappe.get_list(
		doctype,
		filters=get_safe_filters(filters),
		fields=["count(*) as count"],
		limit_page_length=0,
		order_by=None,
	)
	return rows[0].count if rows else 0


def permissioned_doctypes() -> set[str]:
	return set(frappe.get_hooks("permission_query_conditions").keys())
