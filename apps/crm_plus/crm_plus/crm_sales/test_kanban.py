"""The shipped Kanban board "Opportunities by Stage", walked over HTTP: a rep drags their own opportunity
to the next stage (through the opportunity's save: stage log, probability, won and lost rules); a rep of
another division can neither move a card of division A nor write the shared board."""

import json

import frappe

from crm_plus.crm_sales import kanban
from crm_plus.tests.http import refused
from crm_plus.tests.test_sales_funnel import OPPORTUNITY, STAGE_LOG, SalesFunnelTestCase

BOARD = kanban.BOARD
METHOD = "frappe.desk.doctype.kanban_board.kanban_board."


class TestOpportunityKanban(SalesFunnelTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		kanban.ensure_kanban_board()
		frappe.db.commit()

	def setUp(self):
		super().setUp()
		o = self.org
		frappe.set_user("Administrator")
		self.deal = self.make_opportunity(self.make_lead(o.rep_a1, o.team_a1), o.rep_a1, o.team_a1)

	def board(self):
		return self.fresh().get_all(
			"Kanban Board Column",
			filters={"parent": BOARD, "parenttype": "Kanban Board"},
			fields=["column_name", "order", "status", "indicator"],
			order_by="idx",
		)

	def move(self, user, name, from_col, to_col):
		return self.call(
			self.login(user),
			METHOD + "update_order_for_single_card",
			board_name=BOARD,
			docname=name,
			from_colname=from_col,
			to_colname=to_col,
			old_index=0,
			new_index=0,
		)

	def test_the_board_follows_the_stages_and_keeps_no_card_names(self):
		stages = frappe.get_all("CRM Opportunity Stage", order_by="stage_order asc, name asc", pluck="name")
		columns = self.board()
		self.assertEqual([c.column_name for c in columns], stages)
		self.assertTrue(all(c.order in (None, "", "[]") for c in columns), columns)
		board = frappe.get_doc("Kanban Board", BOARD)
		self.assertEqual(
			(board.reference_doctype, board.field_name, board.private), (OPPORTUNITY, "stage", 0)
		)
		self.assertEqual(json.loads(board.fields), kanban.CARD_FIELDS)
		self.assertFalse(kanban.ensure_kanban_board())  # idempotent
		stage = frappe.get_doc(
			{"doctype": "CRM Opportunity Stage", "stage_name": "Kanban Test Stage", "stage_order": 99}
		).insert()
		try:
			self.assertTrue(kanban.ensure_kanban_board())
			self.assertEqual(frappe.get_doc("Kanban Board", BOARD).columns[-1].column_name, stage.name)
		finally:
			frappe.db.rollback()

	def test_a_rep_drags_their_opportunity_to_the_next_stage(self):
		o = self.org
		# The card's line under the title: the lead's company (the opportunity has no customer yet).
		lead = frappe.db.get_value(OPPORTUNITY, self.deal, "lead")
		self.assertEqual(
			frappe.db.get_value(OPPORTUNITY, self.deal, "party_name"),
			frappe.db.get_value("CRM Lead", lead, "company_name"),
		)
		response = self.move(o.rep_a1, self.deal, "Prospecting", "Qualification")
		self.assertEqual(response.status_code, 200, response.text[:400])
		db = self.fresh()
		self.assertEqual(
			db.get_value(OPPORTUNITY, self.deal, ["stage", "probability"]), ("Qualification", 20)
		)
		log = db.get_value(STAGE_LOG, {"opportunity": self.deal, "to_stage": "Qualification"}, "changed_by")
		self.assertEqual(log, o.rep_a1)
		self.assertTrue(all(c.order in (None, "", "[]") for c in self.board()))
		# Lost needs a reason, whatever the way in.
		response = self.move(o.rep_a1, self.deal, "Qualification", "Closed Lost")
		self.assertEqual(response.status_code, 417, response.text[:300])
		self.assertEqual(self.fresh().get_value(OPPORTUNITY, self.deal, "stage"), "Qualification")
		# The whole-board order (the older endpoint) moves through the save too.
		response = self.call(
			self.login(o.rep_a1), METHOD + "update_order", board_name=BOARD, order={"Closed Won": [self.deal]}
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		self.assertEqual(
			self.fresh().get_value(OPPORTUNITY, self.deal, ["status", "probability"]), ("Won", 100)
		)
		self.assertTrue(all(c.order in (None, "", "[]") for c in self.board()))
		# Won is final for a rep.
		self.assertTrue(refused(self.move(o.rep_a1, self.deal, "Closed Won", "Proposal")))
		self.assertEqual(self.fresh().get_value(OPPORTUNITY, self.deal, "stage"), "Closed Won")

	def test_opening_the_board_read_only_moves_nothing_and_is_not_refused(self):
		# The desk sends every card it shows when it opens a board; the executive reads but never edits.
		response = self.call(
			self.login(self.org.executive),
			METHOD + "update_order",
			board_name=BOARD,
			order={"Prospecting": [self.deal], "Qualification": []},
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		self.assertEqual(response.json["message"][1], [])
		self.assertEqual(self.fresh().get_value(OPPORTUNITY, self.deal, "stage"), "Prospecting")
		# Moving it is an edit: refused.
		response = self.call(
			self.login(self.org.executive),
			METHOD + "update_order",
			board_name=BOARD,
			order={"Proposal": [self.deal]},
		)
		self.assertTrue(refused(response), response.text[:300])

	def test_another_divisions_rep_cannot_move_a_card_or_write_the_board(self):
		o = self.org
		rep = self.login(o.rep_b)
		before = self.board()
		self.assertTrue(refused(self.move(o.rep_b, self.deal, "Prospecting", "Proposal")))
		self.assertTrue(refused(self.move(o.rep_b, "CRM-OPP-NOPE-1", "Prospecting", "Proposal")))
		# The whole-board order: refused for a card of A whether its column is guessed right or wrong.
		for column in ("Proposal", "Prospecting"):
			response = self.call(rep, METHOD + "update_order", board_name=BOARD, order={column: [self.deal]})
			self.assertTrue(refused(response), (column, response.text[:300]))
		response = self.call(
			rep, METHOD + "add_card", board_name=BOARD, docname=self.deal, colname="Proposal"
		)
		self.assertTrue(refused(response), response.text[:300])
		self.assertEqual(self.fresh().get_value(OPPORTUNITY, self.deal, "stage"), "Prospecting")
		self.assertFalse(self.fresh().exists(STAGE_LOG, {"opportunity": self.deal, "to_stage": "Proposal"}))
		for method, args in (
			("add_column", {"column_title": "Leak"}),
			("update_column_order", {"order": ["Closed Lost", "Prospecting"]}),
			("archive_restore_column", {"column_title": "Prospecting", "status": "Archived"}),
			("set_indicator", {"column_name": "Prospecting", "indicator": "Red"}),
			("save_settings", {"settings": {"fields": ["description"], "show_labels": 0}}),
		):
			response = self.call(rep, METHOD + method, board_name=BOARD, **args)
			self.assertTrue(refused(response), (method, response.status_code, response.text[:300]))
		response = self.put(rep, f"/api/resource/Kanban Board/{BOARD}", {"filters": "[]", "columns": []})
		self.assertTrue(refused(response), response.text[:300])
		self.assertEqual(self.board(), before)
		# A board of one's own is shared with every desk user: it must not carry the names of the cards
		# its maker sees (Frappe fills a new board's columns with them).
		name = f"Rep Board {o.suffix}"
		response = self.call(
			self.login(o.rep_a1),
			METHOD + "quick_kanban_board",
			doctype=OPPORTUNITY,
			board_name=name,
			field_name="status",
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		self.created("Kanban Board", name)
		orders = self.fresh().get_all("Kanban Board Column", {"parent": name}, pluck="order")
		self.assertTrue(orders, "no columns")
		self.assertFalse([x for x in orders if self.deal in (x or "")], orders)
