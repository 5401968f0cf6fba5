"""The desk's list (`frappe.desk.reportview.get`) of a rep whose colleagues assigned them some customers
(issue 23). The rule is `permissions`' (own or assigned); as one condition it reads every customer of
the rep through an index merge and sorts them (2.1-3.3x the administrator's list on 100k customers).
Here the page is the union of two reads, each with the list's full conditions (the rule, user
permissions, the user's filters) plus one branch of the rule, each in the list's order and limited to
the page's end: the rep's own customers through (account_manager, modified), the few named ones by
name. Without filters or user permissions (the list as it opens), the rep's first own customers are
read from that index alone, in the same round trip as the rep's permission scope, and one list call
with the full conditions reads them with the named ones. Any list the split does not fit (other
DocTypes, other scopes, sorts other than by modified or creation, group-by, aggregates, all rows at
once) is Frappe's own."""

import re

import frappe
from frappe.desk import reportview
from frappe.utils import cint
from frappe.utils.data import make_filter_tuple

from crm_plus.security.scope import CUSTOMER, OWNER_FIELD, own_or_assigned, scope_with
from crm_plus.security.table import CONDITIONS

# The app's permission_query_conditions hook (crm_plus.security.table.query_condition_hooks).
APP_CONDITION = f"{CONDITIONS}.query_conditions"
ORDER = re.compile(r"^`tab(?P<doctype>[^`]+)`\.`(?P<field>modified|creation)` (?P<direction>asc|desc)$", re.I)
SORT_KEY, NAME_KEY = "__crm_sort", "__crm_name"


@frappe.whitelist()
@frappe.read_only()
def get() -> dict | list | None:
	if frappe.local.form_dict.get("doctype") != CUSTOMER:
		return reportview.get()  # Frappe's own, its parameters read once
	args = reportview.get_form_params()
	rows = two_reads(args)
	if rows is None:
		rows = reportview.execute(**args)  # what reportview.get runs for a DocType that is not virtual
	return reportview.compress(rows, args=args)


def two_reads(args) -> list | None:
	doctype = args.get("doctype")
	order = ORDER.match((args.get("order_by") or "").strip())
	page = cint(args.get("page_length") or args.get("limit_page_length") or args.get("limit"))
	if not order or order["doctype"] != doctype or page <= 0:
		return None
	if args.get("group_by") or args.get("distinct") or args.get("or_filters") or args.get("pluck"):
		return None
	fields = args.get("fields") or []
	if not isinstance(fields, list) or any("(" in str(f) for f in fields):
		return None
	if doctype != CUSTOMER:
		return None
	filters = args.get("filters") or []
	if isinstance(filters, dict):
		filters = [make_filter_tuple(doctype, key, value) for key, value in filters.items()]
	if not isinstance(filters, list):
		return None
	start = cint(args.get("start") or args.get("limit_start"))
	direction = order["direction"].lower()
	user = frappe.session.user
	# No filter of the user's and nothing but the app's rule on the list: every customer the rep owns is
	# one they read, so the page's own rows are among the first start + page of the (owner, order)
	# index, read with the scope (one round trip; for users whom the split does not fit, a read of at
	# most start + page index entries that nothing uses).
	first_own = None
	if not filters and reads_all_own(doctype, user):
		_scope, first_own = scope_with(
			user,
			f"""select `name` from `tab{doctype}` where `{OWNER_FIELD}` = %(user)s
			order by `{order["field"]}` {direction}, `name` {direction} limit %(first_own)s""",
			{"first_own": start + page},
		)
	split = own_or_assigned(doctype, user)
	if not split:
		return None
	owner_field, names = split
	table = f"`tab{doctype}`"
	common = {
		key: value
		for key, value in args.items()
		if key not in ("filters", "start", "limit_start", "page_length", "limit_page_length", "limit")
	}
	# Ties (customers sharing one `modified`: a transfer, an import) are broken by name in every read and
	# in the merge, so that each read's first `start + page` rows are the same rows as the page's order
	# has them and every customer is on exactly one page.
	common["order_by"] = f"{table}.`{order['field']}` {direction}, {table}.`name` {direction}"
	if first_own is not None:
		# One list call with the full conditions reads the first own and the named ones, in order, and
		# takes the page. The names as a condition of their own (DatabaseQuery takes a string in the
		# filters as SQL), escaped as Frappe escapes its own: a filter of 25 names through Frappe's
		# filter parser cost the rep's list a fifth of its time.
		named = ", ".join(frappe.db.escape(n, percent=False) for n in sorted({*first_own, *names}))
		return reportview.execute(
			**common,
			filters=[f"{table}.`name` in ({named})"],
			limit_start=start,
			limit_page_length=page,
		)
	common["fields"] = [
		*fields,
		f"{table}.`{order['field']}` as `{SORT_KEY}`",
		f"{table}.`name` as `{NAME_KEY}`",
	]
	common["limit_start"], common["limit_page_length"] = 0, start + page
	own = reportview.execute(**common, filters=[*filters, [doctype, owner_field, "=", user]])
	common["save_user_settings"] = False
	named = reportview.execute(**common, filters=[*filters, [doctype, "name", "in", sorted(names)]])
	merged = {row[NAME_KEY]: row for row in [*own, *named]}
	rows = sorted(merged.values(), key=lambda r: (r[SORT_KEY], r[NAME_KEY]), reverse=direction == "desc")[
		start : start + page
	]
	for row in rows:
		row.pop(SORT_KEY, None)
		row.pop(NAME_KEY, None)
	return rows


def reads_all_own(doctype: str, user: str) -> bool:
	"""Does the user read every record of `doctype` they own (the rule's own branch), whatever else the
	list's conditions hold? Not under user permissions, a role permission limited to the records the
	user created (or none: shares only), another app's permission query hook or a Server Script's."""
	from frappe.core.doctype.server_script.server_script_utils import get_server_script_map
	from frappe.model.db_query import requires_owner_constraint

	if frappe.permissions.get_user_permissions(user):
		return False
	role_permissions = frappe.permissions.get_role_permissions(frappe.get_meta(doctype), user=user)
	if not (role_permissions.get("read") or role_permissions.get("select")):
		return False
	if requires_owner_constraint(role_permissions):
		return False
	hooks = frappe.get_hooks("permission_query_conditions", {})
	if [*hooks.get(doctype, []), *hooks.get("*", [])] != [APP_CONDITION]:
		return False
	return not get_server_script_map().get("permission_query", {}).get(doctype)
