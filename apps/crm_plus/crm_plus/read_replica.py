"""Frappe's read replica (`read_from_replica`, `replica_host`, `replica_db_port` in site_config.json).

Frappe v15 serves a whitelisted method decorated with `@frappe.read_only()` from the replica: the
desk's lists, counts, list exports and script reports (`frappe.desk.reportview`, `query_report.run`).
The app's own read surfaces are decorated too (custom number cards, the workspace chart sources, the
link search in `overrides`), and the framework method the app's workspaces use that Frappe leaves on
the primary is served here through `hooks.override_whitelisted_methods`: a Document Type number card's
value. A report's export reads its rows through `query_report.run`, which is read-only already.

Read your own writes: a replica is behind its primary by its replication lag. A user whose request
wrote to the database reads from the primary for `replica_read_your_writes_seconds` (default 10)
afterwards, so a record just saved is in the list the user goes back to; other users see it once the
replica has applied it. Nothing here writes to the database (a replica is read-only).
"""

import frappe

DEFAULT_PIN_SECONDS = 10


def _pin_key(user: str) -> str:
	return f"crm_plus:read_your_writes:{user}"


def pin_seconds() -> int:
	return frappe.utils.cint(frappe.conf.get("replica_read_your_writes_seconds") or DEFAULT_PIN_SECONDS)


def route_request() -> None:
	"""`before_request`: a user who wrote within the last seconds reads this request from the primary;
	a write of this request pins the user's next requests to the primary."""
	if not frappe.conf.get("read_from_replica") or frappe.session.user == "Guest":
		return
	if frappe.cache.get_value(_pin_key(frappe.session.user)):
		frappe.local.conf.read_from_replica = False  # this request only (frappe.local.conf is per request)
	frappe.db.before_commit.add(_pin_after_write)


def _pin_after_write() -> None:
	# A request served by the replica is a read; what it writes on the primary (Frappe's access log of
	# an export) is no record the user will look for: it pins nothing.
	if getattr(frappe.local, "replica_db", None):
		return
	if frappe.db.transaction_writes and frappe.session.user != "Guest":
		frappe.cache.set_value(_pin_key(frappe.session.user), 1, expires_in_sec=pin_seconds())


@frappe.whitelist()
@frappe.read_only()
def number_card_result(
	doc: str | dict, filters: str | list | dict | None, to_date: str | None = None
) -> int | float:
	"""`frappe.desk.doctype.number_card.number_card.get_result` (a Document Type card), from the replica."""
	from frappe.desk.doctype.number_card.number_card import get_result

	return get_result(doc, filters, to_date)
