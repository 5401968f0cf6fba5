"""The request guard (before_request): every request's filters are data, its columns hold no
sub-query, a child table's rows are read with their parent, and a document method of the app runs on
the stored record. Caller filters are checked before Frappe's query engine sees them
(`checked_filters`): a filter given as a string is raw SQL to that engine."""

import frappe
from frappe import _
from frappe.desk.reportview import validate_args
from frappe.model import child_table_fields, default_fields, optional_fields

from crm_plus.domain import composed, query_args
from crm_plus.domain.roles import ADMINISTRATOR
from crm_plus.security.conditions import CHILD_TABLES

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
	stored_document_for_print(method)
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


ROW_READ_METHODS = ("frappe.client.get", "frappe.desk.form.load.getdoc", "frappe.client.get_doc")


def check_row_read(route_doctype: str | None, method: str) -> None:
	"""A row of one of the app's child tables is read with its parent, never on its own by name:
	Frappe v15 judges such a read by the parent DocType's role permission only (the row's parent is
	not loaded), so the parent's row rule would not apply. `route_doctype` is the DocType a /resource
	or /document path names (`request_route`), on every mount (/api, /api/v1, /api/v2)."""
	if frappe.session.user == ADMINISTRATOR:
		return
	doctype = route_doctype
	if not doctype and method in ROW_READ_METHODS:
		doctype = frappe.form_dict.get("doctype")
	if doctype in CHILD_TABLES:
		frappe.throw(
			_("Rows of {0} are read with their {1}").format(_(doctype), _(CHILD_TABLES[doctype])),
			frappe.PermissionError,
		)


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
	docs = _posted_app_document(frappe.form_dict.get("docs"))
	if docs is None:
		return
	if not docs.get("name") or docs.get("__islocal"):
		# No stored record: Frappe would build one from the client's values, and a new record passes
		# has_permission until it is saved (a check-in on a visit naming any customer told the distance
		# to that customer's stored location).
		_refuse_copy(docs["doctype"])
	frappe.form_dict.pop("docs")
	frappe.form_dict["dt"] = docs["doctype"]
	frappe.form_dict["dn"] = docs["name"]


# Frappe's print preview methods: they render the document posted as `doc` (JSON) when no `name` is given.
PRINT_METHODS = ("frappe.www.printview.get_html_and_style", "frappe.www.printview.get_rendered_raw_commands")


def stored_document_for_print(method: str) -> None:
	"""The print preview renders the stored record of the app's DocTypes, never a copy the client sends.

	The desk posts the form's document (`doc`) and Frappe renders that copy after checking the stored
	record of its name: a copy of one's own visit naming another division's customer (or an unsaved
	record naming it) printed that customer's name, the link's title. For the app's DocTypes the request
	is turned into one by name; a document without a stored name is refused."""
	if method not in PRINT_METHODS or frappe.form_dict.get("name"):
		return
	doc = _posted_app_document(frappe.form_dict.get("doc"))
	if doc is None:
		return
	if not isinstance(doc.get("name"), str) or not doc["name"] or doc.get("__islocal"):
		_refuse_copy(doc["doctype"])
	frappe.form_dict["doc"] = doc["doctype"]
	frappe.form_dict["name"] = doc["name"]


def refuse_v2_document_for_methods() -> None:
	"""`/api/v2/method/run_doc_method` builds the document from the `document` the client sends and
	has no form by name: for the app's DocTypes the method runs by name instead, on the stored record
	(`/api/v2/document/<doctype>/<name>/method/<method>`)."""
	document = _posted_app_document(frappe.form_dict.get("document"))
	if document is not None:
		_refuse_copy(document["doctype"])


def _posted_app_document(value) -> dict | None:
	"""The document a request posts (JSON text or a dict) when it is a record of the app's DocTypes,
	else None."""
	try:
		doc = _decoded(value)
	except ValueError:
		return None
	if not isinstance(doc, dict) or not isinstance(doc.get("doctype"), str):
		return None
	if frappe.db.get_value("DocType", doc["doctype"], "module") not in APP_MODULES:
		return None
	return doc


def _refuse_copy(doctype: str) -> None:
	frappe.throw(
		_("Methods of {0} run on the stored record: call them by the record's name").format(_(doctype)),
		frappe.PermissionError,
	)


APP_MODULES = tuple(frappe.get_module_list("crm_plus"))  # modules.txt
