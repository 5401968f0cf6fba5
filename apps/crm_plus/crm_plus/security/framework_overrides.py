"""Whitelisted framework methods that ignore permissions in Frappe v15, narrowed by CRM Plus
(hooks.override_whitelisted_methods).

- `frappe.client.get_count` counts with `frappe.db.count`: no permission check at all, for any
  DocType. Here it counts what `frappe.get_list` would list (role, row rule, user permissions).
- `frappe.desk.listview.get_group_by_count` counts the sidebar's "Assigned To" over every record of
  the DocType and groups by any field, whatever its field-level permission. Here both cover only
  what the user may read.
- Link search, titles, likes, relinking, previous/next, default addresses, tags, connections: each
  answers only for records the user may read (or edit).
"""

import json

import frappe
from frappe import _
from frappe.desk import listview
from frappe.model.db_query import DatabaseQuery
from frappe.query_builder import Order
from frappe.query_builder.functions import Count
from frappe.query_builder.terms import SubQuery

from crm_plus.domain import composed
from crm_plus.security.request_guard import APP_MODULES, check_field_level, checked_filters
from crm_plus.security.scope import is_framework_admin


@frappe.whitelist()
def get_count(
	doctype: str, filters: str | dict | list | None = None, debug: bool = False, cache: bool = False
) -> int:
	"""`frappe.client.get_count`: the number of records `frappe.get_list` would list to this user."""
	filters = checked_filters(doctype, filters)
	rows = frappe.get_list(
		doctype,
		filters=filters,
		fields=[f"count(`tab{doctype}`.`name`) as count"],
		limit_page_length=0,
		order_by=None,
	)
	return rows[0].count if rows else 0


@frappe.whitelist()
def get_group_by_count(doctype: str, current_filters: str, field: str) -> list[dict]:
	"""The list sidebar's counts, over the records the user may read."""
	filters = checked_filters(doctype, current_filters)
	if not frappe.has_permission(doctype, "read"):
		frappe.throw(_("No permission to read {0}").format(_(doctype)), frappe.PermissionError)
	if field != "assigned_to":
		check_field_level(frappe.get_meta(doctype), field)
		return listview.get_group_by_count(doctype, frappe.as_json(filters or []), field)

	todo, user = frappe.qb.DocType("ToDo"), frappe.qb.DocType("User")
	query = (
		frappe.qb.from_(todo)
		.join(user)
		.on(user.name == todo.allocated_to)
		.select(todo.allocated_to.as_("name"), Count("*").as_("count"))
		.where((todo.status != "Cancelled") & (user.user_type == "System User"))
		.where(todo.reference_type == doctype)
		.groupby(todo.allocated_to)
		.orderby(Count("*"), order=Order.desc)
		.limit(50)
	)
	if DatabaseQuery(doctype).build_match_conditions():
		# A row rule applies: count the records this user may read, named.
		names = frappe.get_list(doctype, filters=filters, pluck="name", limit_page_length=0, order_by=None)
		if not names:
			return []
		query = query.where(todo.reference_name.isin(names))
	else:
		permitted = frappe.qb.get_query(doctype, filters=filters, fields=["name"], validate_filters=True)
		query = query.where(todo.reference_name.isin(SubQuery(permitted)))
	return query.run(as_dict=True)


def may(doctype: str, name: str | None, ptype: str = "read") -> bool:
	return bool(
		doctype and name and frappe.db.exists(doctype, name) and frappe.has_permission(doctype, ptype, name)
	)


def refuse():
	frappe.throw(_("Not permitted"), frappe.PermissionError)


@frappe.whitelist()
@frappe.read_only()  # served by a read replica with `read_from_replica` (crm_plus.read_replica)
def search_link(
	doctype: str,
	txt: str,
	query: str | None = None,
	filters: str | dict | list | None = None,
	page_length: int = 10,
	searchfield: str | None = None,
	reference_doctype: str | None = None,
	ignore_user_permissions: bool = False,
) -> list:
	"""`frappe.desk.search.search_link`. In Frappe v15 `ignore_user_permissions` makes the search run
	with no permission at all (every row, any field); it is honoured for System Managers only."""
	from frappe.desk import search

	from crm_plus.search_labels import translate_descriptions

	# Option and master values under each suggestion in the user's language (crm_plus.search_labels),
	# then every suggestion as text.
	results = search.search_link(
		doctype,
		txt,
		query=query,
		filters=filters,
		page_length=page_length,
		searchfield=searchfield,
		reference_doctype=reference_doctype,
		ignore_user_permissions=_user_permissions_may_be_ignored(ignore_user_permissions),
	)
	return suggestions_as_text(doctype, translate_descriptions(doctype, results))


def suggestions_as_text(doctype: str, results):
	"""A Link field's suggestions show the record's title (`label`) and its search fields
	(`description`) as HTML (Frappe's link control writes them into the list unescaped): each is
	given as escaped text, the title as the suggestion's `html` (the `label` stays as stored: the field
	shows it as its text once chosen)."""
	if not isinstance(results, list):
		return results
	translated = frappe.get_meta(doctype).translated_doctype
	for row in results:
		if not isinstance(row, dict) or row.get("html"):
			continue
		label = row.get("label") or row.get("value") or ""
		if translated:
			label = _(label)  # as the link control translates a translated DocType's names
		row["html"] = f"<strong>{composed.escape(label)}</strong>"
		if row.get("description"):
			row["description"] = composed.escape(row["description"])
	return results


@frappe.whitelist()
@frappe.read_only()  # served by a read replica with `read_from_replica` (crm_plus.read_replica)
def search_widget(
	doctype: str,
	txt: str,
	query: str | None = None,
	searchfield: str | None = None,
	start: int = 0,
	page_length: int = 10,
	filters: str | dict | list | None = None,
	filter_fields: str | list | None = None,
	as_dict: bool = False,
	reference_doctype: str | None = None,
	ignore_user_permissions: bool = False,
) -> list | None:
	"""`frappe.desk.search.search_widget`, with `ignore_user_permissions` as in `search_link`."""
	from frappe.desk import search

	return search.search_widget(
		doctype,
		txt,
		query=query,
		searchfield=searchfield,
		start=start,
		page_length=page_length,
		filters=filters,
		filter_fields=filter_fields,
		as_dict=as_dict,
		reference_doctype=reference_doctype,
		ignore_user_permissions=_user_permissions_may_be_ignored(ignore_user_permissions),
	)


def _user_permissions_may_be_ignored(asked) -> bool:
	return bool(frappe.utils.cint(asked)) and is_framework_admin()


@frappe.whitelist()
def get_link_title(doctype: str, docname: str) -> str | None:
	"""`frappe.desk.search.get_link_title`: the title of a record the user may read (Frappe answers
	for any record, so names could be enumerated into customer names)."""
	from frappe.desk import search

	if not may(doctype, docname, "read") and not may(doctype, docname, "select"):
		return None
	return search.get_link_title(doctype, docname)


@frappe.whitelist()
def relink(name: str, reference_doctype: str | None = None, reference_name: str | None = None) -> None:
	"""`frappe.email.relink`: moves a message to another record; Frappe checks nothing. The user must
	be able to edit the message and the record it is moved to."""
	from frappe import email

	if not may("Communication", name, "write"):
		refuse()
	if reference_doctype and not may(reference_doctype, reference_name, "write"):
		refuse()
	return email.relink(name, reference_doctype, reference_name)


@frappe.whitelist()
def toggle_like(doctype: str, name: str, add: str | bool = False) -> None:
	"""`frappe.desk.like.toggle_like` on a record the user may read (Frappe checks nothing)."""
	from frappe.desk import like

	if not may(doctype, name, "read"):
		refuse()
	return like.toggle_like(doctype, name, add)


@frappe.whitelist()
def get_contact_number(contact_name: str, ref_doctype: str, ref_name: str) -> str:
	"""The SMS dialog's number lookup, for a contact the user may read."""
	from frappe.core.doctype.sms_settings import sms_settings

	if not may("Contact", contact_name, "read"):
		refuse()
	return sms_settings.get_contact_number(contact_name, ref_doctype, ref_name)


@frappe.whitelist()
def get_next(
	doctype: str,
	value: str,
	prev: int | str | bool,
	filters: str | dict | list | None = None,
	sort_order: str = "desc",
	sort_field: str = "modified",
) -> str | None:
	"""`frappe.desk.form.utils.get_next` (the form's previous/next arrows). Frappe reads the pivot's
	`sort_field` with no check, which answers yes or no about any field of any record; here the
	pivot must be readable and the field readable at its permission level."""
	from frappe.desk.form import utils

	if not may(doctype, value, "read"):
		refuse()
	checked_filters(doctype, [[sort_field, "is", "set"]])
	if sort_order.lower() not in ("asc", "desc"):
		refuse()
	return utils.get_next(doctype, value, prev, filters=filters, sort_order=sort_order, sort_field=sort_field)


@frappe.whitelist()
def get_default_address(doctype: str, name: str | None, sort_key: str = "is_primary_address") -> str | None:
	"""The default address of a record the user may read (Frappe answers for any record)."""
	from frappe.contacts.doctype.address import address

	if not may(doctype, name, "read"):
		refuse()
	return address.get_default_address(doctype, name, sort_key)


@frappe.whitelist()
def get_tagged_docs(doctype: str, tag: str) -> list:
	"""The records carrying a tag, among those the user may read."""
	return frappe.get_list(doctype, filters=[["_user_tags", "like", tag]], fields=["name"], as_list=True)


@frappe.whitelist()
def get_open_count(doctype: str, name: str, items: str | list | None = None) -> dict:
	"""`frappe.desk.notifications.get_open_count` (the form's connections): Frappe counts linked
	records of any DocType the caller names without permission checks; here the record must be
	readable and each count covers only the linked records the user may read."""
	from frappe.desk import notifications

	if not may(doctype, name, "read"):
		refuse()
	if counted := _permitted_link_counts(doctype, name, items):
		return counted
	out = notifications.get_open_count(doctype, name, items)
	links = frappe.get_meta(doctype).get_dashboard_data()
	for entry in (out.get("count") or {}).get("external_links_found", []):
		linked = entry.get("doctype")
		fieldname = (links.get("non_standard_fieldnames") or {}).get(linked, links.get("fieldname"))
		if not linked or not fieldname or not frappe.get_meta(linked).has_field(fieldname):
			continue
		if not frappe.has_permission(linked, "read"):
			entry["count"] = entry["open_count"] = 0
			continue
		rows = frappe.get_list(linked, filters={fieldname: name}, fields=["count(*) as n"], order_by=None)
		entry["count"] = rows[0].n if rows else 0
		entry["open_count"] = min(entry.get("open_count") or 0, entry["count"])
	return out


def _permitted_link_counts(doctype: str, name: str, items) -> dict | None:
	"""get_open_count of the app's DocTypes whose connections are all external links by one field (the
	customer's, a lead's, an opportunity's): only the counts the user may read, each one query, without
	Frappe's own unchecked counts first (half of a customer form's connections time, issue 23). None
	where that does not hold (Frappe's answer, narrowed above, is used)."""
	from frappe.desk import notifications

	meta = frappe.get_meta(doctype)
	links = meta.get_dashboard_data()
	if meta.module not in APP_MODULES or meta.custom or frappe.flags.in_migrate or frappe.flags.in_install:
		return None
	if links.get("internal_links") or links.get("internal_and_external_links") or links.get("dynamic_links"):
		return None
	if items is None:
		items = [item for group in links.transactions for item in group.get("items")]
	if not isinstance(items, list):
		items = json.loads(items)
	shown = {item for group in links.transactions for item in group.get("items")}
	found = []
	for linked in items:
		entry = {"doctype": linked, "count": 0, "open_count": 0}
		found.append(entry)
		fieldname = (links.get("non_standard_fieldnames") or {}).get(linked, links.get("fieldname"))
		if not isinstance(linked, str) or linked not in shown or not fieldname:  # what the form shows
			continue
		if not frappe.get_meta(linked).has_field(fieldname) or not frappe.has_permission(linked, "read"):
			continue
		filters = {fieldname: name}
		entry["count"] = _permitted_count(linked, filters)
		if entry["count"] and (open_filters := notifications.get_filters_for(linked)):
			entry["open_count"] = _permitted_count(linked, {**filters, **open_filters})
	out = {"count": {"external_links_found": found, "internal_links_found": []}}
	module = frappe.get_meta_module(doctype)
	if hasattr(module, "get_timeline_data"):
		out["timeline_data"] = module.get_timeline_data(doctype, name)
	return out


def _permitted_count(doctype: str, filters: dict) -> int:
	return frappe.get_list(doctype, filters=filters, fields=["count(*) as n"], order_by=None)[0].n
