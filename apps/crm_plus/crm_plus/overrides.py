"""Whitelisted framework methods that ignore permissions in Frappe v15, narrowed by CRM Plus.

- `frappe.client.get_count` counts with `frappe.db.count`: no permission check at all, for any
  DocType. Here it counts what `frappe.get_list` would list (role, row rule, user permissions).
- `frappe.desk.listview.get_group_by_count` counts the sidebar's "Assigned To" over every record of
  the DocType and groups by any field, whatever its field-level permission. Here both cover only
  what the user may read.
Caller filters are checked before Frappe's query engine sees them (`checked_filters`): a filter
given as a string is raw SQL to that engine.
"""

import json

import frappe
from frappe import _
from frappe.desk import listview
from frappe.desk.reportview import validate_args
from frappe.model import child_table_fields, default_fields, optional_fields
from frappe.model.db_query import DatabaseQuery
from frappe.model.document import Document
from frappe.query_builder import Order
from frappe.query_builder.functions import Count
from frappe.query_builder.terms import SubQuery

from crm_plus.domain import composed, query_args

FILTER_MESSAGES = {
	"bad_filter": lambda d: _("This filter is not allowed: {0}").format(d),
	"bad_field": lambda d: _("Field not permitted in query: {0}").format(d),
	"bad_doctype": lambda d: _("This filter is not allowed: {0}").format(d),
	"bad_operator": lambda d: _("Operator not allowed in a filter: {0}").format(d),
	"bad_value": lambda d: _("This filter value is not allowed: {0}").format(d),
	"value_too_long": lambda d: _("A filter value is too long"),
	"too_many_values": lambda d: _("A filter has too many values"),
	"too_many_filters": lambda d: _("Too many filters"),
}


def check_filter_shape(filters) -> list[tuple[str | None, str]]:
	"""crm_plus.domain.query_args.check_filters, its refusal as a translated PermissionError."""
	try:
		return query_args.check_filters(filters)
	except query_args.FilterError as e:
		frappe.throw(
			FILTER_MESSAGES[e.code](composed.escape(e.detail)),
			frappe.PermissionError,
			title=_("Invalid filter"),
		)


def checked_filters(doctype: str, filters):
	"""The caller's filters, parsed and checked: data of the right shape (crm_plus.domain.query_args),
	naming fields of `doctype` or its child tables that the user may read (Frappe's validate_args)."""
	if not isinstance(doctype, str) or not frappe.db.exists("DocType", doctype):
		frappe.throw(
			_("DocType {0} not found").format(composed.escape(str(doctype)[:140])), frappe.DoesNotExistError
		)
	filters = frappe.parse_json(filters) if isinstance(filters, str) else filters
	named = check_filter_shape(filters)
	meta = frappe.get_meta(doctype)
	children = {df.options for df in meta.get_table_fields()}
	for other, field in named:
		if other and other != doctype and other not in children:
			frappe.throw(
				_("This filter is not allowed: {0}").format(composed.escape(other)), frappe.PermissionError
			)
		target = frappe.get_meta(other) if other else meta
		if target.get_field(field) is None and field not in (
			*default_fields,
			*child_table_fields,
			*optional_fields,
		):
			_refuse_field(field)
		if not other:
			check_field_level(meta, field)
	validate_args(frappe._dict(doctype=doctype, filters=filters or None))
	return filters


def check_field_level(meta, fieldname: str) -> None:
	"""Refuse a field at a permission level the user may not read (ID numbers, personal mobiles): a
	filter, grouping or sort on it would tell its values one yes or no at a time."""
	df = meta.get_field(fieldname)
	if df is not None and df.permlevel and df.permlevel not in meta.get_permlevel_access("read"):
		_refuse_field(fieldname)


def _refuse_field(fieldname: str):
	frappe.throw(
		_("Field not permitted in query: {0}").format(composed.escape(fieldname)), frappe.PermissionError
	)


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


# ---------------------------------------------------------------- every request's filters

FILTER_PARAMS = ("filters", "or_filters", "current_filters")
# Objects that carry filters of their own: a number card or chart definition sent by the client.
DEFINITION_PARAMS = ("doc", "chart")
DEFINITION_FILTERS = ("filters_json", "dynamic_filters_json")
# Report filters are the report's own values (dates, lists of reps), not query filters.
OWN_FILTER_METHODS = ("frappe.desk.query_report.",)
# Parameters and definition keys that Frappe puts into the SELECT, GROUP BY or ORDER BY of a list query.
FIELD_PARAMS = ("fields", "fieldname", "group_by", "order_by", "sort_by", "aggregate_on_field")
DEFINITION_FIELDS = (
	"aggregate_function_based_on",
	"value_based_on",
	"group_by_based_on",
	"based_on",
	"x_field",
)
# Methods that also take a record's name in `filters`.
NAME_FILTER_METHODS = ("frappe.client.get_value", "frappe.client.get", "frappe.client.get_single_value")


def _decoded(value, depth: int = 0):
	"""A filter parameter as Frappe will read it: JSON text is parsed, possibly more than once."""
	while isinstance(value, str) and depth < 4:
		text = value.strip()
		if not text or text[0] not in '[{"':
			return value
		value = frappe.parse_json(text)
		if value == text:
			return value
		depth += 1
	return value


def check_request_filters() -> None:
	"""before_request: refuse a request whose filters are not data, whatever method it calls.

	Frappe's list engine takes a filter given as a string as raw SQL and joins conditions with AND
	without brackets, so `["1=1 or 1=1"]` reaches past every permission condition; several framework
	endpoints (number cards, link search, charts) hand their filters on without the checks of
	`frappe.client.get_list`. Checking the shape once, for every request, closes them all."""
	path = frappe.request.path if getattr(frappe, "request", None) else ""
	if not (path.startswith("/api/") or frappe.form_dict.get("cmd")):
		return
	method, route_doctype = request_route()
	check_row_read(route_doctype, method)
	stored_document_for_methods(method)
	check_request_fields()
	if method.startswith(OWN_FILTER_METHODS):
		return
	# A /resource or /document path names its DocType in the path (Frappe ignores a `doctype` argument).
	doctype = route_doctype or frappe.form_dict.get("doctype")
	target = doctype if isinstance(doctype, str) and frappe.db.exists("DocType", doctype) else None
	values = [frappe.form_dict.get(p) for p in FILTER_PARAMS]
	for param in DEFINITION_PARAMS:
		definition = frappe.form_dict.get(param)
		try:
			definition = _decoded(definition)
		except ValueError:
			continue
		if isinstance(definition, dict):
			values += [definition.get(p) for p in DEFINITION_FILTERS]
			document_type = definition.get("document_type")
			if isinstance(document_type, str) and frappe.db.exists("DocType", document_type):
				target = document_type
	for value in values:
		if value in (None, "", "null"):
			continue
		try:
			decoded = _decoded(value)
		except ValueError:
			decoded = value
		if isinstance(decoded, str):
			if method in NAME_FILTER_METHODS:
				continue  # a record's name
			frappe.throw(
				_("This filter is not allowed: {0}").format(composed.escape(decoded[:80])),
				frappe.PermissionError,
			)
		if target:
			# Data, naming fields that exist and that the user may read at their permission level.
			checked_filters(target, decoded)
		else:
			check_filter_shape(decoded)


# The endpoints of Frappe's URL map (frappe.api) whose route the guard reads, by route: a change of
# Frappe's routes must fail tests/test_framework_seam.py, not open the guard.
RPC_ROUTES = ("/api/method/<path:method>", "/api/v1/method/<path:method>", "/api/v2/method/<method>")
V2_DOCTYPE_RPC_ROUTE = "/api/v2/method/<doctype>/<method>"
V2_RUN_DOC_METHOD = "/api/v2/method/run_doc_method"


def request_route() -> tuple[str, str | None]:
	"""(method, DocType) of the request as Frappe v15 dispatches it (`frappe.app.application`).

	A `cmd` in the form runs first, whatever the path. Otherwise an /api/ path goes through Frappe's
	own URL map (`frappe.api.API_URL_MAP`, its v1 rules mounted at /api and /api/v1, v2 at /api/v2):
	`/api/method/<a>/<b>` runs `a` (the part after a slash is dropped), `/api/v2/method/<doctype>/<m>`
	runs `m` of the DocType's controller module, and a /resource or /document path names its DocType.
	The guard must judge the method Frappe will run, never the path's last segment (which a caller
	chooses: `/api/method/<number card>/frappe.desk.query_report.x` ran the card's raw filters)."""
	from frappe.api import API_URL_MAP
	from werkzeug.exceptions import HTTPException

	cmd = frappe.form_dict.get("cmd")
	if cmd:
		return str(cmd), None
	try:
		rule, args = API_URL_MAP.bind_to_environ(frappe.request.environ).match(return_rule=True)
	except HTTPException:
		return "", None  # Frappe finds no route either (a 404 or 405)
	if rule.rule in RPC_ROUTES:
		return args["method"].split("/")[0], None
	if rule.rule == V2_DOCTYPE_RPC_ROUTE:
		from frappe.modules.utils import load_doctype_module

		try:
			return f"{load_doctype_module(args['doctype']).__name__}.{args['method']}", None
		except Exception:
			return args["method"], None  # Frappe fails to find it too
	if rule.rule == V2_RUN_DOC_METHOD:
		return V2_RUN_DOC_METHOD, None
	return getattr(rule.endpoint, "__name__", ""), args.get("doctype")


def check_request_fields() -> None:
	"""Refuse a sub-query in the columns a request asks for (its fields, field name, grouping, sort, and
	a number card's or chart's aggregate and group-by columns): Frappe's list engine checks for one only
	at the start of a field, so `sum((select ...))` read any table through every list endpoint."""
	values = [frappe.form_dict.get(p) for p in FIELD_PARAMS]
	for param in DEFINITION_PARAMS:
		try:
			definition = _decoded(frappe.form_dict.get(param))
		except ValueError:
			continue
		if isinstance(definition, dict):
			values += [definition.get(k) for k in DEFINITION_FIELDS]
	for value in values:
		if value in (None, ""):
			continue
		try:
			decoded = _decoded(value)
		except ValueError:
			decoded = value
		try:
			query_args.check_field_expressions(decoded)
		except query_args.FilterError as e:
			frappe.throw(
				FILTER_MESSAGES[e.code](composed.escape(e.detail)),
				frappe.PermissionError,
				title=_("Invalid field"),
			)


# ---------------------------------------------------------------- framework methods that skip permissions


def _can(doctype: str, name: str | None, ptype: str = "read") -> bool:
	return bool(
		doctype and name and frappe.db.exists(doctype, name) and frappe.has_permission(doctype, ptype, name)
	)


def _refuse():
	frappe.throw(_("Not permitted"), frappe.PermissionError)


@frappe.whitelist()
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
	return bool(frappe.utils.cint(asked)) and "System Manager" in frappe.get_roles()


@frappe.whitelist()
def get_link_title(doctype: str, docname: str) -> str | None:
	"""`frappe.desk.search.get_link_title`: the title of a record the user may read (Frappe answers
	for any record, so names could be enumerated into customer names)."""
	from frappe.desk import search

	if not _can(doctype, docname, "read") and not _can(doctype, docname, "select"):
		return None
	return search.get_link_title(doctype, docname)


@frappe.whitelist()
def relink(name: str, reference_doctype: str | None = None, reference_name: str | None = None) -> None:
	"""`frappe.email.relink`: moves a message to another record; Frappe checks nothing. The user must
	be able to edit the message and the record it is moved to."""
	from frappe import email

	if not _can("Communication", name, "write"):
		_refuse()
	if reference_doctype and not _can(reference_doctype, reference_name, "write"):
		_refuse()
	return email.relink(name, reference_doctype, reference_name)


@frappe.whitelist()
def toggle_like(doctype: str, name: str, add: str | bool = False) -> None:
	"""`frappe.desk.like.toggle_like` on a record the user may read (Frappe checks nothing)."""
	from frappe.desk import like

	if not _can(doctype, name, "read"):
		_refuse()
	return like.toggle_like(doctype, name, add)


@frappe.whitelist()
def get_contact_number(contact_name: str, ref_doctype: str, ref_name: str) -> str:
	"""The SMS dialog's number lookup, for a contact the user may read."""
	from frappe.core.doctype.sms_settings import sms_settings

	if not _can("Contact", contact_name, "read"):
		_refuse()
	return sms_settings.get_contact_number(contact_name, ref_doctype, ref_name)


ROW_READ_METHODS = ("frappe.client.get", "frappe.desk.form.load.getdoc", "frappe.client.get_doc")


def check_row_read(route_doctype: str | None, method: str) -> None:
	"""A row of one of the app's child tables is read with its parent, never on its own by name:
	Frappe v15 judges such a read by the parent DocType's role permission only (the row's parent is
	not loaded), so the parent's row rule would not apply. `route_doctype` is the DocType a /resource
	or /document path names (`request_route`), on every mount (/api, /api/v1, /api/v2)."""
	from crm_plus.permissions import CHILD_TABLES

	if frappe.session.user == "Administrator":
		return
	doctype = route_doctype
	if not doctype and method in ROW_READ_METHODS:
		doctype = frappe.form_dict.get("doctype")
	if doctype in CHILD_TABLES:
		frappe.throw(
			_("Rows of {0} are read with their {1}").format(_(doctype), _(CHILD_TABLES[doctype])),
			frappe.PermissionError,
		)


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

	if not _can(doctype, value, "read"):
		_refuse()
	checked_filters(doctype, [[sort_field, "is", "set"]])
	if sort_order.lower() not in ("asc", "desc"):
		_refuse()
	return utils.get_next(doctype, value, prev, filters=filters, sort_order=sort_order, sort_field=sort_field)


@frappe.whitelist()
def get_default_address(doctype: str, name: str | None, sort_key: str = "is_primary_address") -> str | None:
	"""The default address of a record the user may read (Frappe answers for any record)."""
	from frappe.contacts.doctype.address import address

	if not _can(doctype, name, "read"):
		_refuse()
	return address.get_default_address(doctype, name, sort_key)


@frappe.whitelist()
def get_tagged_docs(doctype: str, tag: str) -> list:
	"""The records carrying a tag, among those the user may read."""
	return frappe.get_list(doctype, filters=[["_user_tags", "like", tag]], fields=["name"], as_list=True)


# The names a request may call Frappe's run_doc_method by: its own, and v15's alias `runserverobj`
# (frappe.handler keeps it for old clients), each bare (a handler global) or dotted.
RUN_DOC_METHODS = (
	"run_doc_method",
	"frappe.handler.run_doc_method",
	"runserverobj",
	"frappe.handler.runserverobj",
)


def stored_document_for_methods(method: str) -> None:
	"""A document method of the app runs on the stored record, not on a copy the client sends.

	The desk's `frm.call` posts the form's document (`docs`) to `run_doc_method`, and Frappe rebuilds
	the document from it: a method would then act on values the client chose (a lead's status before
	converting it, a visit's customer before checking in). For the app's DocTypes the request is
	turned into one by name, so the method reads what is stored; its own save checks what it changes."""
	if method == V2_RUN_DOC_METHOD:
		refuse_v2_document_for_methods()
		return
	if method not in RUN_DOC_METHODS or not frappe.form_dict.get("docs"):
		return
	try:
		docs = _decoded(frappe.form_dict.get("docs"))
	except ValueError:
		return
	if not isinstance(docs, dict) or not docs.get("doctype") or not docs.get("name"):
		return
	if frappe.db.get_value("DocType", docs["doctype"], "module") not in APP_MODULES:
		return
	frappe.form_dict.pop("docs")
	frappe.form_dict["dt"] = docs["doctype"]
	frappe.form_dict["dn"] = docs["name"]


def refuse_v2_document_for_methods() -> None:
	"""`/api/v2/method/run_doc_method` builds the document from the `document` the client sends and
	has no form by name: for the app's DocTypes the method runs by name instead, on the stored record
	(`/api/v2/document/<doctype>/<name>/method/<method>`)."""
	try:
		document = _decoded(frappe.form_dict.get("document"))
	except ValueError:
		return
	doctype = document.get("doctype") if isinstance(document, dict) else None
	if isinstance(doctype, str) and frappe.db.get_value("DocType", doctype, "module") in APP_MODULES:
		frappe.throw(
			_("Methods of {0} run on the stored record: call them by the record's name").format(_(doctype)),
			frappe.PermissionError,
		)


APP_MODULES = ("CRM Customers", "CRM Setup", "CRM Visits", "CRM Surveys", "CRM Complaints", "CRM Sales")


def _app_board(board_name: str):
	"""The Kanban board if the user may read it and it shows one of the app's DocTypes, else None."""
	if not board_name or not frappe.db.exists("Kanban Board", board_name):
		_refuse()
	# The cached board (dropped on every save of it), judged as loaded: one read instead of three.
	board = frappe.get_cached_doc("Kanban Board", board_name)
	if not frappe.has_permission("Kanban Board", "read", board):
		_refuse()
	module = frappe.get_meta(board.reference_doctype).module
	return board if module in APP_MODULES else None


def _readable_columns(doctype: str, field: str, names: list[str]) -> dict[str, str]:
	"""{card: stored column} of the cards among `names` the user may read: the list's own conditions
	(role, user permissions, the app's row rule, shares) in one query, as frappe.get_list would apply
	them, without its filter parser (which escaped each of a board's thousands of names on its own)."""
	from frappe.model.db_query import DatabaseQuery

	if not frappe.has_permission(doctype, "read"):
		_refuse()
	conditions = DatabaseQuery(doctype).build_match_conditions()
	table = f"`tab{doctype}`"
	rows = frappe.db.sql(
		f"select {table}.`name`, {table}.`{field}` from {table} where {table}.`name` in %(names)s"
		+ (f" and {conditions}" if conditions else ""),
		{"names": names},
	)
	return dict(rows)


def _move_card(board, docname: str, column: str) -> bool:
	"""Move one card through its record's own save (its validation, permission and hooks: an
	opportunity logs the stage change and takes the stage's probability); True when it moved."""
	if column not in {c.column_name for c in board.columns}:
		frappe.throw(_("Unknown column {0}").format(frappe.bold(column)))
	if not _can(board.reference_doctype, docname, "write"):
		_refuse()
	doc = frappe.get_doc(board.reference_doctype, docname)
	if doc.get(board.field_name) == column:
		return False
	doc.set(board.field_name, column)
	doc.save()
	return True


@frappe.whitelist()
def update_kanban_order(board_name: str, order: str | dict) -> tuple:
	"""`kanban_board.update_order`: Frappe reads every card's column with no permission check (a yes
	or no about any field of any record); each card must be one the user may edit.

	On the app's boards (the desk sends every card it shows each time it opens a board): every card
	must be one the user may read, whatever its column, so the answer tells nothing; only the cards
	whose column changed move, each through its record's save (write permission, the record's rules);
	the shared board keeps no card order (it would hold the names of the cards one user sees)."""
	from frappe.desk.doctype.kanban_board import kanban_board

	board = _app_board(board_name)
	order = frappe.parse_json(order) or {}
	if not isinstance(order, dict) or not all(isinstance(c, list) for c in order.values()):
		_refuse()
	names = [card for cards in order.values() for card in cards]
	if not all(isinstance(card, str) for card in names):
		_refuse()
	if board is None:
		doctype = frappe.db.get_value("Kanban Board", board_name, "reference_doctype")
		for card in names:
			if not _can(doctype, card, "write"):
				_refuse()
		return kanban_board.update_order(board_name, json.dumps(order))
	field = board.field_name
	stored = _readable_columns(board.reference_doctype, field, names) if names else {}
	if set(names) - set(stored):
		_refuse()
	moved = []
	for column, cards in order.items():
		for card in cards:
			if stored[card] != column and _move_card(board, card, column):
				moved.append({"name": card, "column": column})
	return board, moved


@frappe.whitelist()
def move_kanban_card(
	board_name: str,
	docname: str,
	from_colname: str,
	to_colname: str,
	old_index: int | str,
	new_index: int | str,
) -> Document:
	"""`kanban_board.update_order_for_single_card` (a drag across columns): Frappe checks only that the
	user may edit some record of the DocType, writes the card order into the shared board and sets the
	column with set_value. On the app's boards: the card must be one the user may edit, it moves through
	its own save, and the board is not written."""
	from frappe.desk.doctype.kanban_board import kanban_board

	board = _app_board(board_name)
	if board is None:
		return kanban_board.update_order_for_single_card(
			board_name, docname, from_colname, to_colname, old_index, new_index
		)
	_move_card(board, docname, to_colname)
	return board


@frappe.whitelist()
def add_kanban_card(board_name: str, docname: str, colname: str) -> Document:
	"""`kanban_board.add_card` (a card made on the board): on the app's boards no card order is kept."""
	from frappe.desk.doctype.kanban_board import kanban_board

	board = _app_board(board_name)
	if board is None:
		return kanban_board.add_card(board_name, docname, colname)
	if not _can(board.reference_doctype, docname, "read"):
		_refuse()
	return board


def clear_kanban_card_order(doc, method=None):
	"""validate of Kanban Board: a board of the app's DocTypes keeps no card order. Frappe fills a new
	board's columns with the names of the cards its maker sees, and every desk user reads a shared
	board; the cards come in the list's order instead."""
	if frappe.db.get_value("DocType", doc.reference_doctype, "module") in APP_MODULES:
		for column in doc.columns:
			column.order = "[]"


@frappe.whitelist()
def get_open_count(doctype: str, name: str, items: str | list | None = None) -> dict:
	"""`frappe.desk.notifications.get_open_count` (the form's connections): Frappe counts linked
	records of any DocType the caller names without permission checks; here the record must be
	readable and each count covers only the linked records the user may read."""
	from frappe.desk import notifications

	if not _can(doctype, name, "read"):
		_refuse()
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
