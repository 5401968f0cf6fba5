import itertools
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from crm_plus.domain import performance as p


def test_rates():
	assert p.rate(3, 4) == 75.0
	assert p.rate(0, 0) is None
	assert p.rate(None, 5) == 0.0
	assert p.rate(1, 3, digits=2) == 33.33


def test_competition_ranking():
	rows = [{"s": 10}, {"s": 30}, {"s": 30}, {"s": None}, {"s": 5}]
	assert p.rank(rows, "s") == [3, 1, 1, 5, 4]
	assert p.rank(rows, "s", descending=False) == [2, 3, 3, 5, 1]


def test_pareto_of_seed_002_complaint_causes():
	# Seed 002, table 4.1: delivery delay first, then inconsistent answers between departments.
	counts = {
		"Delivery Delay": 45,
		"Inconsistent Answers Between Departments": 25,
		"Damage": 15,
		"Staff Attitude": 10,
		"Billing": 5,
	}
	rows = p.pareto(counts)
	assert [r["cause"] for r in rows] == [
		"Delivery Delay",
		"Inconsistent Answers Between Departments",
		"Damage",
		"Staff Attitude",
		"Billing",
	]
	assert [r["cumulative"] for r in rows] == [45.0, 70.0, 85.0, 95.0, 100.0]
	assert [r["vital"] for r in rows] == [True, True, True, False, False]
	assert p.pareto({}) == []


@given(st.dictionaries(st.text(min_size=1, max_size=5), st.integers(1, 100), min_size=1, max_size=10))
def test_pareto_properties(counts):
	rows = p.pareto(counts)
	assert rows[-1]["cumulative"] == 100.0
	assert all(a["count"] >= b["count"] for a, b in itertools.pairwise(rows))
	assert rows[0]["vital"]


def test_migration_matrix():
	before = {"a": "VIP", "b": "Key", "c": "Key", "d": None}
	after = {"a": "Key", "b": "Key", "c": "VIP", "d": "Small", "e": "Small"}
	m = p.migration_matrix(before, after, ["VIP", "Key", "Ordinary", "Small"])
	assert m["VIP"]["Key"] == 1
	assert m["Key"]["Key"] == 1
	assert m["Key"]["VIP"] == 1
	assert m[""]["Small"] == 2
	assert sum(sum(row.values()) for row in m.values()) == 5


def test_age_bands_and_churn_risk():
	today = date(2026, 11, 22)
	assert p.age_band(date(2026, 6, 1), today) == "Under 1 year"
	assert p.age_band(date(2020, 1, 1), today) == "5-10 years"
	assert p.age_band(date(2010, 1, 1), today) == "10 years or more"
	assert p.age_band(None, today) == "Unknown"
	assert p.churn_risk(10, 90) == (0, [])
	score, reasons = p.churn_risk(
		200, 90, recency_drop=2, downgraded=True, open_complaints=1, unhappy_surveys=1
	)
	assert score == 40 + 20 + 15 + 5 + 10
	assert reasons == [
		"no_recent_purchase",
		"recency_falling",
		"downgraded",
		"open_complaints",
		"unhappy_survey",
	]
	assert (
		p.churn_risk(None, 90, recency_drop=9, downgraded=True, open_complaints=9, unhappy_surveys=9)[0]
		== 100
	)


def test_totals():
	assert p.totals([{"a": 1, "b": None}, {"a": 2.5, "b": 3}], ["a", "b"]) == {"a": 3.5, "b": 3.0}
