from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from crm_plus.domain import funnel as f
from crm_plus.domain.sales import Stage

STAGES = [
	Stage("Closed Lost", 0, 7, is_lost=True),
	Stage("Proposal", 60, 4),
	Stage("Prospecting", 10, 1),
	Stage("Closed Won", 100, 6, is_won=True),
	Stage("Qualification", 20, 2),
]


def test_stages_in_funnel_order():
	assert [s.name for s in f.funnel_stages(STAGES)] == [
		"Prospecting",
		"Qualification",
		"Proposal",
		"Closed Won",
		"Closed Lost",
	]


def test_funnel_by_hand():
	# 10 opportunities: 4 got no further than Prospecting, 3 reached Qualification, 2 Proposal, 1 won.
	furthest = {1: 4, 2: 3, 4: 2, 6: 1}
	current = {"Prospecting": (2, 1000.0), "Proposal": (2, 5000.0), "Closed Won": (1, 800.0)}
	current["Closed Lost"] = (5, 9000.0)
	days = {"Prospecting": (30.0, 6), "Qualification": (12.0, 4)}
	rows = {r["stage"]: r for r in f.funnel_rows(STAGES, current, furthest, days)}
	assert [r["reached"] for r in rows.values()] == [10, 6, 3, 1, None]
	assert rows["Prospecting"]["conversion"] == 60.0  # 6 of 10 reached Qualification
	assert rows["Qualification"]["conversion"] == 50.0  # 3 of 6
	assert rows["Proposal"]["conversion"] == 33.3  # 1 of 3 was won
	assert rows["Closed Won"]["conversion"] is None and rows["Closed Lost"]["conversion"] is None
	assert rows["Proposal"]["weighted"] == 3000.0
	assert rows["Closed Won"]["weighted"] == 800.0 and rows["Closed Lost"]["weighted"] == 0.0
	assert rows["Prospecting"]["average_days"] == 5.0 and rows["Proposal"]["average_days"] is None
	assert rows["Qualification"]["count"] == 0 and rows["Qualification"]["amount"] == 0.0


def test_no_opportunities_no_division_by_zero():
	rows = f.funnel_rows(STAGES, {}, {}, {})
	assert all(r["conversion"] is None and r["count"] == 0 for r in rows)


@given(st.dictionaries(st.sampled_from([1, 2, 4, 6]), st.integers(0, 1000)))
def test_reached_never_grows_down_the_funnel(furthest):
	reached = f.reached_counts(f.funnel_stages(STAGES), furthest)
	values = list(reached.values())
	assert values == sorted(values, reverse=True)
	assert values[0] == sum(furthest.values())
	for row in f.funnel_rows(STAGES, {}, furthest, {}):
		assert row["conversion"] is None or 0 <= row["conversion"] <= 100


def test_shares_and_win_rate():
	rows = f.shares([{"n": 3}, {"n": 1}, {"n": 0}], "n", "share")
	assert [r["share"] for r in rows] == [75.0, 25.0, 0.0]
	assert f.shares([{"n": 0}], "n", "share")[0]["share"] is None
	assert f.win_rate(3, 1) == 75.0
	assert f.win_rate(0, 0) is None and f.win_rate(None, 2) == 0.0


def test_inactivity():
	now = datetime(2026, 11, 23, 12, 0)
	assert f.days_inactive(now - timedelta(days=15, hours=3), now) == 15
	assert f.days_inactive(None, now) is None
	assert f.inactivity_days_error("14") is None
	assert f.inactivity_days_error("x") == "not_a_number"
	assert f.inactivity_days_error(0) == "out_of_range"
	assert f.inactivity_days_error(99999) == "out_of_range"
