"""The shipped Kanban board "Opportunities by Stage" (CRM Opportunity by `stage`), created on install and
migrate where missing; its columns follow CRM Opportunity Stage (a new stage gets its column on the next
migrate). The board is shared and read by every desk user, so it keeps no card order: Frappe would store
the names of the cards its writer sees in it (overrides.clear_kanban_card_order, move_kanban_card)."""

import json

import frappe

BOARD = "Opportunities by Stage"
DOCTYPE = "CRM Opportunity"
FIELD = "stage"
# What a card shows under its title, on a phone too: the customer or lead, the amount, the close date.
# (party_name, not the customer and lead links: Frappe's Kanban view adds Link fields whose DocType shows
# titles only after it has fetched the cards, so they would stay empty.)
CARD_FIELDS = ["party_name", "expected_amount", "expected_close_date"]


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
		board.insert(ignore_permissions=True)  # no card order: overrides.clear_kanban_card_order
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
