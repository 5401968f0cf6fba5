"""The lead pool (公海) and the follow-ups of open leads and opportunities (一般行动)."""

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from crm_plus.domain.activities import (
	counts_as_followup,
	restated_targets,
	sales_followups_due,
	target,
	target_error,
)
from crm_plus.domain.pool import claim_error, is_open, release_due, reopen_error

TODAY = date(2026, 6, 30)


def lead(**values):
	return {
		"in_pool": 0,
		"account_manager": "rep@x.com",
		"division": "Retail",
		"status": "Contacted",
		"owner_since": None,
		"creation": datetime(2026, 1, 1, 9, 0),
	} | values


def test_a_lead_without_a_followup_for_n_days_goes_back_to_the_pool():
	assert release_due(lead(), None, TODAY, 30)
	# Followed up 30 days ago: not yet; 31: yes.
	assert not release_due(lead(), TODAY - timedelta(days=30), TODAY, 30)
	assert release_due(lead(), TODAY - timedelta(days=31), TODAY, 30)
	# A claim restarts the clock.
	assert not release_due(lead(owner_since=datetime(2026, 6, 20, 8, 0)), None, TODAY, 30)


def test_what_never_goes_back_to_the_pool():
	assert not release_due(lead(in_pool=1), None, TODAY, 30)
	assert not release_due(lead(account_manager=None), None, TODAY, 30)
	assert not release_due(lead(division=None), None, TODAY, 30)  # no division: no pool to go to
	assert not release_due(lead(status="Converted"), None, TODAY, 30)
	assert not release_due(lead(status="Unqualified"), None, TODAY, 30)
	assert not release_due(lead(), None, TODAY, 0)  # 0 days: the release is off
	customer = {k: v for k, v in lead().items() if k != "status"}
	assert release_due(customer, None, TODAY, 30)
	assert not release_due(customer | {"disabled": 1}, None, TODAY, 30)


@given(st.integers(1, 400), st.integers(0, 400), st.integers(0, 400))
def test_release_is_monotonic_in_time(days, since_followup, later):
	"""Once due, a record stays due as days pass (until something follows it up)."""
	followup = TODAY - timedelta(days=since_followup)
	old = lead(creation=datetime(2020, 1, 1))
	if release_due(old, followup, TODAY, days):
		assert release_due(old, followup, TODAY + timedelta(days=later), days)
	assert release_due(old, followup, TODAY, days) == (since_followup > days)


def test_claims_come_from_ones_own_divisions_pool_under_the_limit():
	pooled = {"in_pool": 1, "division": "Retail"}
	assert claim_error(pooled, {"Retail"}, 0, 50) is None
	assert claim_error(pooled, {"Logistics"}, 0, 50) == "other_division"
	assert claim_error(pooled, {"Retail"}, 50, 50) == "limit_reached"
	assert claim_error(pooled, {"Retail"}, 49, 50) is None
	assert claim_error(pooled, {"Retail"}, 500, 0) is None  # 0: no limit
	assert claim_error({"in_pool": 0, "division": "Retail"}, {"Retail"}, 0, 50) == "not_in_pool"
	assert claim_error(None, {"Retail"}, 0, 50) == "not_found"


@given(st.integers(0, 100), st.integers(1, 100))
def test_the_limit_is_never_exceeded(held, limit):
	allowed = claim_error({"in_pool": 1, "division": "R"}, {"R"}, held, limit) is None
	assert allowed == (held < limit)


def test_an_activity_is_against_exactly_one_record():
	assert target_error({}) == "target_required"
	assert target_error({"lead": "L1", "customer": "C1"}) == "one_target"
	assert target_error({"opportunity": "O1"}) is None
	assert target({"customer": "C1"}) == ("CRM Customer", "C1")
	assert target({}) is None


def test_links_that_restate_the_opportunity_or_customer_are_dropped():
	opp = {"customer": "C1", "lead": "L1"}
	# "+" on an opportunity's Connections: opportunity, its customer and its lead.
	values = {"opportunity": "O1", "customer": "C1", "lead": "L1"}
	dropped = restated_targets(values, {"opportunity": opp})
	assert dropped == {"customer", "lead"}
	assert target_error({k: v for k, v in values.items() if k not in dropped}) is None
	# "+" on a customer's Connections: the customer and the lead it was converted from.
	assert restated_targets({"customer": "C1", "lead": "L1"}, {"customer": {"lead": "L1"}}) == {"lead"}
	# A single target: nothing to drop.
	assert restated_targets({"lead": "L1"}, {}) == set()
	assert restated_targets({"opportunity": "O1"}, {"opportunity": opp}) == set()


def test_links_to_other_records_are_kept_and_still_refused():
	opp = {"customer": "C1", "lead": "L1"}
	# Another customer than the opportunity's: kept, so the activity names two records.
	values = {"opportunity": "O1", "customer": "C2", "lead": "L1"}
	dropped = restated_targets(values, {"opportunity": opp})
	assert dropped == {"lead"}
	assert target_error({k: v for k, v in values.items() if k not in dropped}) == "one_target"
	# Without the opportunity's links (the user may not read it) nothing is dropped.
	assert restated_targets({"opportunity": "O1", "customer": "C1"}, {}) == set()
	# A customer and a lead it was not converted from.
	assert restated_targets({"customer": "C1", "lead": "L9"}, {"customer": {"lead": "L1"}}) == set()


def test_a_done_activity_is_a_followup():
	assert counts_as_followup({"done": 1, "done_on": datetime(2026, 6, 1)})
	assert not counts_as_followup({"done": 0, "done_on": None})


def test_open_leads_and_opportunities_need_a_followup_a_month():
	created = datetime(2026, 4, 1, 9)
	records = [
		{"doctype": "CRM Lead", "name": "L1", "status": "New", "account_manager": "a", "creation": created},
		{
			"doctype": "CRM Lead",
			"name": "L2",
			"status": "Converted",
			"account_manager": "a",
			"creation": created,
		},
		{
			"doctype": "CRM Lead",
			"name": "L3",
			"status": "Qualified",
			"account_manager": "a",
			"creation": created,
		},
		{
			"doctype": "CRM Opportunity",
			"name": "O1",
			"status": "Open",
			"account_manager": "b",
			"creation": created,
		},
		{
			"doctype": "CRM Opportunity",
			"name": "O2",
			"status": "Won",
			"account_manager": "b",
			"creation": created,
		},
		{"doctype": "CRM Lead", "name": "L4", "status": "New", "account_manager": None, "creation": created},
	]
	due = sales_followups_due(records, {"L3": date(2026, 6, 20)}, TODAY, 30)
	assert [(r["doctype"], r["record"], r["rep"]) for r in due] == [
		("CRM Lead", "L1", "a"),
		("CRM Opportunity", "O1", "b"),
	]
	assert due[0]["days_overdue"] == (TODAY - date(2026, 5, 1)).days


def test_the_daily_digest_lists_overdue_leads_and_opportunities():
	from crm_plus.domain.visits import daily_digest

	sales = [
		{"doctype": "CRM Lead", "record": "L1", "rep": "a", "days_overdue": 3},
		{"doctype": "CRM Opportunity", "record": "O1", "rep": "b", "days_overdue": 1},
	]
	digests = daily_digest([], [], day=TODAY, overdue_sales=sales)
	# A rep with only overdue leads or opportunities gets a digest too.
	assert {rep: d["sales_followup_count"] for rep, d in digests.items()} == {"a": 1, "b": 1}
	assert digests["a"]["overdue_sales"][0]["record"] == "L1"
	assert daily_digest([], [], rep="a", overdue_sales=sales).keys() == {"a"}


def test_a_claimed_record_reopened_at_the_limit_is_refused():
	unqualified = {"status": "Unqualified", "claimed_from_pool": 1, "in_pool": 0}
	contacted = {**unqualified, "status": "Contacted"}
	assert reopen_error(unqualified, contacted, held=2, limit=2) == "limit_reached"
	assert reopen_error(unqualified, contacted, held=1, limit=2) is None
	assert reopen_error(unqualified, contacted, held=99, limit=0) is None  # no limit
	# Not a claim, not a reopening, or a closing: nothing to count.
	assert reopen_error(unqualified, {**contacted, "claimed_from_pool": 0}, held=5, limit=2) is None
	assert reopen_error(contacted, {**contacted, "status": "Qualified"}, held=5, limit=2) is None
	assert reopen_error(contacted, unqualified, held=5, limit=2) is None
	# Customers: deactivated and restored.
	off = {"disabled": 1, "status": "Loyal", "claimed_from_pool": 1, "in_pool": 0}
	assert reopen_error(off, {**off, "disabled": 0}, held=3, limit=3) == "limit_reached"
	assert not is_open(off) and is_open({"status": "New"}) and not is_open({"status": "Converted"})


@given(st.integers(0, 60), st.integers(0, 60))
def test_reopening_never_takes_a_rep_past_the_limit(held, limit):
	before = {"status": "Unqualified", "claimed_from_pool": 1, "in_pool": 0}
	after = {**before, "status": "New"}
	if reopen_error(before, after, held, limit) is None and limit > 0:
		assert held + 1 <= limit
