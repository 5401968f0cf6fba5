from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from crm_plus.domain.sales import (
	LEAD_STATUSES,
	Stage,
	conversion_error,
	customer_kind_for_lead,
	first_open_stage,
	lead_status_error,
	lost_reason_error,
	probability_for_stage,
	stage_change,
	stage_definition_error,
	stage_move_error,
	status_for_stage,
)

PROSPECT = Stage("Prospecting", 10, 1)
PROPOSAL = Stage("Proposal", 50, 3)
WON = Stage("Won", 100, 9, is_won=True)
LOST = Stage("Lost", 0, 10, is_lost=True)


# ---------------------------------------------------------------- leads
def test_an_unqualified_lead_needs_a_reason():
	assert lead_status_error("Contacted", "Unqualified", None) == "reason_required"
	assert lead_status_error("Contacted", "Unqualified", "   ") == "reason_required"
	assert lead_status_error("Contacted", "Unqualified", "No budget") is None


def test_only_the_conversion_action_converts_and_converted_is_final():
	assert lead_status_error("Qualified", "Converted", None) == "convert_with_action"
	assert lead_status_error("Qualified", "Converted", None, converting=True) is None
	assert lead_status_error(None, "Converted", None) == "convert_with_action"
	assert lead_status_error("Converted", "New", None) == "converted_is_final"
	assert lead_status_error("Converted", "Converted", None) is None
	assert lead_status_error("New", "Lost", None) == "unknown_status"


@given(st.sampled_from([None, *LEAD_STATUSES]), st.sampled_from(LEAD_STATUSES), st.booleans())
def test_a_lead_never_leaves_converted_and_never_enters_it_by_hand(previous, new, converting):
	error = lead_status_error(previous, new, "a reason", converting=converting)
	if previous == "Converted":
		assert (error is None) == (new == "Converted")
	elif new == "Converted":
		assert (error is None) == converting
	else:
		assert error is None


def test_which_leads_convert():
	assert conversion_error("Qualified") is None
	assert conversion_error("New") is None
	assert conversion_error("Converted") == "already_converted"
	assert conversion_error("Unqualified") == "not_convertible"


def test_customer_kind_follows_the_company_name():
	assert customer_kind_for_lead("Acme Ltd") == "Enterprise"
	assert customer_kind_for_lead("  ") == "Individual"
	assert customer_kind_for_lead(None) == "Individual"


# ---------------------------------------------------------------- stages
def test_status_and_probability_come_from_the_stage():
	assert status_for_stage(PROPOSAL) == "Open" and probability_for_stage(PROPOSAL) == 50
	assert status_for_stage(WON) == "Won" and probability_for_stage(Stage("W", 80, is_won=True)) == 100
	assert status_for_stage(LOST) == "Lost" and probability_for_stage(Stage("L", 30, is_lost=True)) == 0
	assert probability_for_stage(Stage("Odd", 250)) == 100 and probability_for_stage(Stage("Neg", -5)) == 0


def test_open_stages_move_freely_terminal_ones_only_for_managers():
	assert stage_move_error(None, PROPOSAL, may_reopen=False) is None
	assert stage_move_error(PROSPECT, PROPOSAL, may_reopen=False) is None
	assert stage_move_error(PROPOSAL, PROSPECT, may_reopen=False) is None
	assert stage_move_error(PROPOSAL, LOST, may_reopen=False) is None
	assert stage_move_error(LOST, PROPOSAL, may_reopen=False) == "terminal_stage"
	assert stage_move_error(WON, LOST, may_reopen=False) == "terminal_stage"
	assert stage_move_error(LOST, PROPOSAL, may_reopen=True) is None
	assert stage_move_error(WON, WON, may_reopen=False) is None


stages = st.builds(
	Stage,
	name=st.sampled_from(["A", "B", "C", "D"]),
	probability=st.floats(-50, 150),
	order=st.integers(0, 9),
	is_won=st.booleans(),
	is_lost=st.booleans(),
).filter(lambda s: not (s.is_won and s.is_lost))


@given(stages, stages, st.booleans())
def test_only_a_manager_leaves_a_terminal_stage(current, target, may_reopen):
	error = stage_move_error(current, target, may_reopen)
	leaving_terminal = current.terminal and current.name != target.name
	assert (error is not None) == (leaving_terminal and not may_reopen)


@given(stages)
def test_probability_is_a_percentage_agreeing_with_the_status(stage):
	p = probability_for_stage(stage)
	assert 0 <= p <= 100
	assert status_for_stage(stage) != "Won" or p == 100
	assert status_for_stage(stage) != "Lost" or p == 0


def test_a_lost_opportunity_needs_a_reason():
	assert lost_reason_error("Lost", None) == "lost_reason_required"
	assert lost_reason_error("Lost", " ") == "lost_reason_required"
	assert lost_reason_error("Lost", "Price") is None
	assert lost_reason_error("Open", None) is None


def test_a_new_opportunity_starts_in_the_first_open_stage():
	assert first_open_stage([WON, PROPOSAL, LOST, PROSPECT]) == PROSPECT
	assert first_open_stage([WON, LOST]) is None


# ---------------------------------------------------------------- stage log
def test_a_stage_change_logs_the_days_in_the_stage_left():
	change = stage_change("Prospecting", datetime(2026, 3, 1, 12), "Proposal", datetime(2026, 3, 4))
	assert (change.from_stage, change.to_stage, change.days_in_previous_stage) == (
		"Prospecting",
		"Proposal",
		2.5,
	)
	assert stage_change("Proposal", datetime(2026, 3, 1), "Proposal", datetime(2026, 3, 2)) is None
	assert stage_change(None, None, "Prospecting", datetime(2026, 3, 1)).days_in_previous_stage is None


def test_a_stage_is_won_or_lost_never_both_with_a_percentage():
	assert stage_definition_error(50, False, False) is None
	assert stage_definition_error(100, True, False) is None
	assert stage_definition_error(0, True, True) == "won_and_lost"
	assert stage_definition_error(120, False, False) == "probability_out_of_range"
	assert stage_definition_error(-1, False, False) == "probability_out_of_range"


def test_the_open_lead_statuses_have_one_home():
	"""Conversion, the follow-up rule, the pool and the transfer all read the open lead statuses from
	domain.sales (they were four copies)."""
	from crm_plus.domain import activities, pool, sales

	assert activities.OPEN_LEAD_STATUSES is sales.OPEN_LEAD_STATUSES
	assert pool.OPEN_LEAD_STATUSES is sales.OPEN_LEAD_STATUSES
	assert activities.OPEN_OPPORTUNITY_STATUSES is sales.OPEN_OPPORTUNITY_STATUSES
	for status in LEAD_STATUSES:
		is_open = status in sales.OPEN_LEAD_STATUSES
		assert (conversion_error(status) is None) == is_open
		assert pool.is_open({"status": status}) == is_open
