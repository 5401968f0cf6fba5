"""The shipped Kanban board "Opportunities by Stage" (CRM Opportunity by `stage`), created on install and
migrate where missing; its columns follow CRM Opportunity Stage (a new stage gets its column on the next
migrate). The board is shared and read by every desk user, so it keeps no card order: Frappe would store
the names of the cards its writer sees in it (see overrides.move_kanban_card)."""

import json

import frappe

BOARD = "Opportunities by Stage"
DOCTYPE = "CRM Opportunity"
FIELD = "stage"
# What a card shows under its title, on a phone too: the customer or lead, the amount, the close date.
CARD_FIELDS = ["customer", "lead", "expected_amount", "expected_close_date"]


def indicator(stage) -> str:
	return "Green" if stage.is_won else "Red" if stage.is_lost else "Blue"


def ensure_kanban_board() -> bool:
	"""Create the board or add the columns of new stages; True when something changed."""
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
		board.insert(ignore_permissions=True)
		clear_card_order(BOARD)
		return True
	board = frappe.get_doc("Kanban Board", BOARD)
	have = {c.column_name for c in board.columns}
	missing = [s for s in stages if s.name not in have]
	for stage in missing:
		board.append("columns", {"column_name": stage.name, "indicator": indicator(stage), "order": "[]"})
	if missing:
		board.save(ignore_permissions=True)
	clear_card_order(BOARD)
	return bool(missing)


def clear_card_order(board: str) -> None:
	"""Frappe fills a new board's columns with the names of the cards its creator sees."""
	frappe.db.sql(
		"update `tabKanban Board Column` set `order` = '[]' where parent = %s and parenttype = 'Kanban Board'",
		board,
	)
