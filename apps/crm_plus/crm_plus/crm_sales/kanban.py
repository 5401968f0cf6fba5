"""The shipped Kanban board "Opportunities by Stage" (CRM Opportunity by `stage`), created on install and
migrate where missing; its columns follow CRM Opportunity Stage (a new stage gets its column on the next
migrate). The board is shared and read by every desk user, so it keeps no card order: Frappe would store
the names of the cards its writer sees in it (clear_kanban_card_order, move_kanban_card below)."""

import json

import frappe
from frappe import _
from frappe.model.document import Document

from crm_plus.security.framework_overrides import may, refuse
from crm_plus.security.request_guard import APP_MODULES

BOARD = "Opportunities by Stage"
DOCTYPE = "CRM Opportunity"
FIELD = "stage"
# What a card shows under its title, on a phone too: the customer or lead, the amount, the close date.
# (party_name, not the customer and lead links: Frappe's Kanban view adds Link fields whose DocType shows
# titles only after it has fetched the cards, so they would stay empty.)
CARD_FIELDS = ["party_name", "expected_amount", "expected_close_date"]
COLUMN_FIELD_TYPES = ("Select", "Link")


def indicator(stage) -> str:
	return "Green" if stage.is_won else "Red" if stage.is_lost else "Blue"


def ensure_kanban_board() -> bool:
	"""Create the board or add the columns of new stages; True when something changed."""
	fill_party_names()
	stages = frappe.get_all(
		"CRM Opportunity Stage", fields=["name", "is_won", "is_lost"], order_by="stage_order asc, name asc"
	)
	if not frappe.db.exists("Kanban Board", BOARD):
		board = frappe.new_doc("Kanban Board")
		board.update(
			{
				"kanban_board_name": BOARD,
				"reference_doctype": DOCTYPE,
				"field_name": FIELD,
				"private": 0,
				"show_labels": 1,
				"fields": json.dumps(CARD_FIELDS),
			}
		)
		for stage in stages:
			board.append("columns", {"column_name": stage.name, "indicator": indicator(stage)})
		board.insert(ignore_permissions=True)  # no card order: clear_kanban_card_order
		return True
	board = frappe.get_doc("Kanban Board", BOARD)
	have = {c.column_name for c in board.columns}
	missing = [s for s in stages if s.name not in have]
	for stage in missing:
		board.append("columns", {"column_name": stage.name, "indicator": indicator(stage), "order": "[]"})
	if missing:
		board.save(ignore_permissions=True)
	return bool(missing)


def fill_party_names() -> None:
	"""Opportunities saved before the field existed (or inserted in bulk) get their party name."""
	frappe.db.sql(
		"""update `tabCRM Opportunity` o
		left join `tabCRM Customer` c on c.name = o.customer
		left join `tabCRM Lead` l on l.name = o.lead
		set o.party_name = coalesce(c.customer_name, nullif(l.company_name, ''), l.lead_name)
		where o.party_name is null and (o.customer is not null or o.lead is not null)"""
	)


# ---------------------------------------------------------------- the desk's Kanban methods on the app's boards


def _app_board(board_name: str):
	"""The Kanban board if the user may read it and it shows one of the app's DocTypes, else None."""
	if not board_name:
		refuse()
	# The cached board (dropped on every save of it), judged as loaded: at most one read instead of
	# three. A board that does not exist is refused as one the user may not read, without Frappe's
	# "not found" message.
	muted = frappe.flags.mute_messages
	frappe.flags.mute_messages = True
	try:
		board = frappe.get_cached_doc("Kanban Board", board_name)
	except frappe.DoesNotExistError:
		board = None
	finally:
		frappe.flags.mute_messages = muted
	if board is None:
		refuse()
	if not frappe.has_permission("Kanban Board", "read", board):
		refuse()
	meta = frappe.get_meta(board.reference_doctype)
	if meta.module not in APP_MODULES:
		return None
	# The column field goes into SQL and into the card's save: a real Select or Link field the user
	# reads, never a board's free text (one stored before clear_kanban_card_order checked it).
	field = column_field(board.reference_doctype, board.field_name)
	if field is None or field.permlevel not in meta.get_permlevel_access("read"):
		refuse()
	return board


def column_field(doctype: str, field_name):
	"""The field a board of `doctype` puts its cards in columns by: one of its Select or Link fields, else
	None. Frappe keeps a board's `field_name` as any text (a Select field without options), so a board
	saved over the API could name SQL instead of a field."""
	if not isinstance(field_name, str) or not field_name:
		return None
	field = frappe.get_meta(doctype).get_field(field_name)
	return field if field and field.fieldtype in COLUMN_FIELD_TYPES else None


def _readable_columns(doctype: str, field: str, names: list[str]) -> dict[str, str]:
	"""{card: stored column} of the cards among `names` the user may read: the list's own conditions
	(role, user permissions, the app's row rule, shares) in one query, as frappe.get_list would apply
	them, without its filter parser (which escaped each of a board's thousands of names on its own)."""
	from frappe.model.db_query import DatabaseQuery

	if not frappe.has_permission(doctype, "read"):
		refuse()
	conditions = DatabaseQuery(doctype).build_match_conditions()
	table = f"`tab{doctype}`"
	# Read by the names (the cards the user was shown, so nearly all pass): the optimizer otherwise
	# takes the rep's index of the condition and reads every record of the rep (3.9k for 2.1k cards).
	rows = frappe.db.sql(
		f"select {table}.`name`, {table}.`{field}` from {table} force index (primary)"
		f" where {table}.`name` in %(names)s" + (f" and {conditions}" if conditions else ""),
		{"names": names},
	)
	return dict(rows)


def _move_card(board, docname: str, column: str) -> bool:
	"""Move one card through its record's own save (its validation, permission and hooks: an
	opportunity logs the stage change and takes the stage's probability); True when it moved."""
	if column not in {c.column_name for c in board.columns}:
		frappe.throw(_("Unknown column {0}").format(frappe.bold(column)))
	if not may(board.reference_doctype, docname, "write"):
		refuse()
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
		refuse()
	names = [card for cards in order.values() for card in cards]
	if not all(isinstance(card, str) for card in names):
		refuse()
	if board is None:
		doctype = frappe.db.get_value("Kanban Board", board_name, "reference_doctype")
		for card in names:
			if not may(doctype, card, "write"):
				refuse()
		return kanban_board.update_order(board_name, json.dumps(order))
	field = board.field_name
	stored = _readable_columns(board.reference_doctype, field, names) if names else {}
	if set(names) - set(stored):
		refuse()
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
	if not may(board.reference_doctype, docname, "read"):
		refuse()
	return board


def clear_kanban_card_order(doc, method=None):
	"""validate of Kanban Board: a board of the app's DocTypes puts its cards in columns by one of the
	DocType's Select or Link fields (`column_field`: the board's methods read and write that field), and
	keeps no card order. Frappe fills a new board's columns with the names of the cards its maker sees,
	and every desk user reads a shared board; the cards come in the list's order instead."""
	if frappe.db.get_value("DocType", doc.reference_doctype, "module") in APP_MODULES:
		if column_field(doc.reference_doctype, doc.field_name) is None:
			frappe.throw(
				_(
					"A Kanban board of {0} puts its cards in columns by one of its Select or Link fields"
				).format(_(doc.reference_doctype))
			)
		for column in doc.columns:
			column.order = "[]"
