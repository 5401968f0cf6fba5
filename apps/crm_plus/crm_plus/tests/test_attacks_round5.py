"""Round 5 attacks on the session's new surfaces (the survey's counters, the rep's list, the Kanban card
order), over HTTP as the users who would try them. docs/SECURITY.md ("Attacks round 5") lists every
attack tried and its answer; the defects found are tested here."""

import frappe
from frappe.utils import random_string

from crm_plus.tests.http import HTTPTestCase
from crm_plus.tests.names import SURVEY_TEMPLATE
from crm_plus.tests.test_surveys import answers as survey_answers

UPDATE_ORDER = "frappe.desk.doctype.kanban_board.kanban_board.update_order"
QUICK_BOARD = "frappe.desk.doctype.kanban_board.kanban_board.quick_kanban_board"
OPPORTUNITY = "CRM Opportunity"
RECORD = "crm_plus.crm_surveys.api.record_answers"
OPP_TABLE = f"`tab{OPPORTUNITY}`"


def crafted_field(condition: str) -> str:
	"""A board's `field_name` that is SQL, not a field: the card query of the app's Kanban methods put
	it between backticks, so it closes them and adds every opportunity whenever `condition` holds."""
	return (
		f"stage` from {OPP_TABLE} where {condition} union select name,`stage"
		if condition
		else "stage` from x where `y"
	)


def board_doc(name: str, field_name: str) -> dict:
	"""A private Kanban board of opportunities by `field_name`."""
	return {
		"doctype": "Kanban Board",
		"kanban_board_name": name,
		"reference_doctype": OPPORTUNITY,
		"field_name": field_name,
		"private": 1,
	}


class TestKanbanBoardFieldIsAField(HTTPTestCase):
	"""A rep makes a private Kanban board of opportunities whose column field is SQL (Frappe keeps a
	board's `field_name` as free text). The app's card order read that field into its query: whether
	a card of another division was refused told the rep its stage and the truth of any SQL condition
	(the password table's included). A board of the app's DocTypes must name a Select or Link field,
	and a board stored otherwise answers nothing."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		o = cls.org
		cls.prefix = f"atk7r5 {random_string(5)}"
		cls.foreign = cls._opportunity(o.rep_b, o.c_b, o.team_b)
		cls.own = cls._opportunity(o.rep_a1, o.c_a1, o.team_a1)
		cls.foreign_stage = frappe.db.get_value(OPPORTUNITY, cls.foreign, "stage")
		cls.other_stage = frappe.get_all(
			"CRM Opportunity Stage", {"name": ("!=", cls.foreign_stage)}, pluck="name", limit=1
		)[0]
		frappe.db.commit()
		cls.addClassCleanup(cls._remove_boards)

	@classmethod
	def _opportunity(cls, rep, customer, team) -> str:
		doc = frappe.get_doc(
			{
				"doctype": OPPORTUNITY,
				"title": f"Round 5 {random_string(6)}",
				"customer": customer,
				"account_manager": rep,
				"sales_team": team,
				"expected_amount": 1000,
			}
		).insert(ignore_permissions=True)
		return doc.name

	@classmethod
	def _remove_boards(cls):
		frappe.db.rollback()
		for name in frappe.get_all(
			"Kanban Board", {"kanban_board_name": ("like", f"{cls.prefix}%")}, pluck="name"
		):
			frappe.delete_doc("Kanban Board", name, force=True, ignore_permissions=True)
		frappe.db.commit()

	def stored_board(self, label: str, field_name: str) -> str:
		"""A private board of rep_a1's with `field_name` as stored before boards were checked (written past
		the board's validation)."""
		board = frappe.get_doc(board_doc(f"{self.prefix} {label}", "stage")).insert(ignore_permissions=True)
		frappe.db.set_value("Kanban Board", board.name, {"owner": self.org.rep_a1, "field_name": field_name})
		frappe.clear_document_cache("Kanban Board", board.name)
		frappe.db.commit()
		return board.name

	def order(self, board: str, column: str, card: str):
		return self.call(self.login(self.org.rep_a1), UPDATE_ORDER, board_name=board, order={column: [card]})

	def test_a_board_naming_sql_is_not_saved(self):
		rep = self.login(self.org.rep_a1)
		for label, field_name in (("insert", crafted_field("1=1")), ("quick", crafted_field(""))):
			name = f"{self.prefix} {label}"
			if label == "insert":
				response = self.call(rep, "frappe.client.insert", doc=board_doc(name, field_name))
			else:
				response = self.call(
					rep, QUICK_BOARD, doctype=OPPORTUNITY, board_name=name, field_name=field_name
				)
			self.assertNotEqual(response.status_code, 200, f"{label}: {response.text[:300]}")
			self.assertFalse(self.fresh().exists("Kanban Board", name), label)
		# A board by a real field is still the rep's to make.
		response = self.call(rep, "frappe.client.insert", doc=board_doc(f"{self.prefix} by stage", "stage"))
		self.assertEqual(response.status_code, 200, response.text[:300])

	def test_a_stored_board_naming_sql_tells_nothing(self):
		every = self.stored_board("every", crafted_field("1=1"))
		# Another division's card in its true column and in another: the same refusal.
		true_column = self.order(every, self.foreign_stage, self.foreign)
		other_column = self.order(every, self.other_stage, self.foreign)
		self.assertEqual(true_column.status_code, 403, true_column.text[:300])
		self.assertEqual(other_column.status_code, 403, other_column.text[:300])
		# A condition on the password table, true and false: the same refusal.
		answers = {
			truth: self.order(
				self.stored_board(truth, crafted_field(f"(select count(*) from __Auth) {sign} 0")),
				self.foreign_stage,
				self.foreign,
			).status_code
			for truth, sign in (("true", ">"), ("false", "<"))
		}
		self.assertEqual(answers, {"true": 403, "false": 403})
		# The rep's own card on such a board moves nothing either.
		own_stage = self.fresh().get_value(OPPORTUNITY, self.own, "stage")
		column = self.other_stage if own_stage != self.other_stage else self.foreign_stage
		self.assertEqual(self.order(every, column, self.own).status_code, 403)
		self.assertEqual(self.fresh().get_value(OPPORTUNITY, self.own, "stage"), own_stage)

	def test_a_board_by_stage_still_orders_the_reps_cards(self):
		board = self.stored_board("stage", "stage")
		own_stage = self.fresh().get_value(OPPORTUNITY, self.own, "stage")
		response = self.order(board, own_stage, self.own)
		self.assertEqual(response.status_code, 200, response.text[:300])
		# and still refuses another division's card
		self.assertEqual(self.order(board, self.foreign_stage, self.foreign).status_code, 403)


class TestRecordedAnswerShowsNoRefusal(HTTPTestCase):
	"""A service agent records a customer's phone answers (they may: service staff enter the answers of
	the customers they serve, without the right to edit the invitation). The answer was stored, yet the
	request also carried Frappe's "Not allowed via controller permission check" from the probe of the
	invitation's write permission: the desk shows every server message, so the agent saw a refusal
	of what had just been saved."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.campaign = (
			frappe.get_doc(
				{
					"doctype": "CRM Survey Campaign",
					"campaign_name": f"Round 5 {cls.org.suffix}",
					"template": SURVEY_TEMPLATE,
					"channel": "Phone",
					"status": "Running",
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		cls.invitation = (
			frappe.get_doc(
				{
					"doctype": "CRM Survey Invitation",
					"campaign": cls.campaign,
					"customer": cls.org.c_a1,
					"channel": "Phone",
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		frappe.db.commit()
		cls.addClassCleanup(cls._remove_campaign)

	@classmethod
	def _remove_campaign(cls):
		# Before the organisation's removal (cleanups run last in, first out), which takes the response.
		frappe.db.rollback()
		frappe.db.delete("CRM Survey Invitation", {"campaign": cls.campaign})
		frappe.db.delete("CRM Survey Campaign", {"name": cls.campaign})
		frappe.db.commit()

	def test_the_agent_gets_the_response_and_no_message(self):
		agent = self.login(self.org.agent_a)
		response = self.call(agent, RECORD, invitation=self.invitation, answers=survey_answers())
		self.assertEqual(response.status_code, 200, response.text[:300])
		self.assertTrue(response.json.get("message"))
		self.assertNotIn("_server_messages", response.json, response.json.get("_server_messages"))
		self.fresh()
		self.assertEqual(frappe.db.get_value("CRM Survey Invitation", self.invitation, "status"), "Answered")
		self.assertEqual(
			frappe.db.get_value("CRM Survey Campaign", self.campaign, ["invited", "answered"]), (1, 1)
		)
