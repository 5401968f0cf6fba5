"""Contract statuses: the moves a user makes, the status the term gives, and what wins an opportunity."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from crm_plus.domain.contracts import (
	CONTRACT_STATUSES,
	TRANSITIONS,
	contract_error,
	status_by_dates,
	status_error,
	wins_opportunity,
)

D = date(2026, 6, 1)


def test_the_lifecycle_of_a_contract():
	assert status_error(None, "Draft") is None
	assert status_error(None, "Signed") is None
	assert status_error(None, "Expired") == "bad_start"
	assert status_error("Draft", "Signed") is None
	assert status_error("Signed", "Active") is None
	assert status_error("Active", "Terminated") is None
	assert status_error("Draft", "Active") == "not_allowed"
	assert status_error("Active", "Draft") == "not_allowed"
	assert status_error("Signed", "Nonsense") == "unknown_status"


@given(st.sampled_from(["Expired", "Terminated"]), st.sampled_from(CONTRACT_STATUSES))
def test_expired_and_terminated_are_final(final, new):
	assert (status_error(final, new) is None) == (new == final)


def test_every_transition_names_a_status():
	assert set(TRANSITIONS) == set(CONTRACT_STATUSES)
	assert all(t <= set(CONTRACT_STATUSES) for t in TRANSITIONS.values())


def test_a_contracts_own_values():
	assert contract_error("Draft", None, None, None, None) is None
	assert contract_error("Signed", None, D, None, 10) == "signed_date_required"
	assert contract_error("Signed", D, D, D - timedelta(days=1), 10) == "end_before_start"
	assert contract_error("Draft", None, None, None, -1) == "negative_amount"
	assert contract_error("Signed", D, D, D, 0) is None


def test_the_term_activates_and_expires_a_signed_contract():
	start, end = D, D + timedelta(days=364)
	assert status_by_dates("Signed", start, end, D - timedelta(days=1)) == "Signed"
	assert status_by_dates("Signed", start, end, D) == "Active"
	assert status_by_dates("Active", start, end, end) == "Active"  # the last day is still in the term
	assert status_by_dates("Active", start, end, end + timedelta(days=1)) == "Expired"
	assert status_by_dates("Signed", start, end, end + timedelta(days=1)) == "Expired"
	assert status_by_dates("Draft", start, end, end + timedelta(days=1)) == "Draft"
	assert status_by_dates("Terminated", start, end, D) == "Terminated"
	assert status_by_dates("Signed", None, None, D) == "Signed"  # no term: stays signed


dates = st.one_of(st.none(), st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)))


@given(st.sampled_from(CONTRACT_STATUSES), dates, dates, st.dates(date(2025, 1, 1), date(2027, 12, 31)))
def test_the_daily_job_is_idempotent_and_only_makes_allowed_moves(status, start, end, today):
	once = status_by_dates(status, start, end, today)
	assert status_by_dates(once, start, end, today) == once
	assert status_error(status, once) is None


def test_signed_and_active_contracts_win_their_opportunity():
	assert [s for s in CONTRACT_STATUSES if wins_opportunity(s)] == ["Signed", "Active"]
