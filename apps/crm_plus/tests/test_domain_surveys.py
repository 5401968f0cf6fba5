from collections import Counter
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from crm_plus.domain import surveys as s

QUESTIONS = [
	{"id": "q1", "type": "Satisfaction", "required": 1, "weight": 1},
	{"id": "q2", "type": "Satisfaction", "weight": 1},
	{"id": "q3", "type": "NPS"},
	{"id": "q4", "type": "Rating", "max_rating": 10, "weight": 2},
	{"id": "q5", "type": "Single Choice", "options": "Price\nSpeed\nService"},
	{"id": "q6", "type": "Multiple Choice", "options": ["Price", "Speed", "Service"]},
	{"id": "q7", "type": "Text"},
]


def test_validation_error_codes():
	typed, errors = s.validate_answers(
		QUESTIONS,
		{
			"q1": "",
			"q2": "4.5",
			"q3": "11",
			"q4": "x",
			"q5": "Colour",
			"q6": ["Price", "Taste"],
			"q7": "a" * 2001,
		},
	)
	assert errors == {
		"q1": "required",
		"q2": "not_a_number",
		"q3": "out_of_range",
		"q4": "not_a_number",
		"q5": "unknown_option",
		"q6": "unknown_option",
		"q7": "too_long",
	}
	assert typed == {}


def test_valid_answers_are_typed():
	typed, errors = s.validate_answers(
		QUESTIONS,
		{"q1": "5", "q2": 3, "q3": "9", "q4": "10", "q5": "Speed", "q6": "Price\nService", "q7": " 很好 "},
	)
	assert errors == {}
	assert typed == {
		"q1": 5,
		"q2": 3,
		"q3": 9,
		"q4": 10,
		"q5": "Speed",
		"q6": ["Price", "Service"],
		"q7": "很好",
	}


def test_scores_by_hand():
	# 5 and 3 (weight 1 each) and a rating of 10/10 = 5 on the 1-5 scale (weight 2): (5 + 3 + 10) / 4 = 4.5
	scores = s.response_scores(QUESTIONS, {"q1": 5, "q2": 3, "q3": 9, "q4": 10})
	assert scores == {"average": 4.5, "csat": 50.0, "nps_score": 9, "nps_category": "promoter"}
	assert s.response_scores(QUESTIONS, {})["average"] is None


def test_aggregate_csat_and_nps_by_hand():
	result = s.aggregate([5, 4, 3, 2, 1], [10, 9, 8, 7, 6, 0])
	assert result["average"] == 3.0
	assert result["csat"] == 40.0
	assert result["nps"] == 0.0  # 2 promoters, 2 detractors of 6
	assert s.aggregate([], [])["csat"] is None
	assert s.aggregate([], [10, 10, 0, 5])["nps"] == 0.0
	assert s.aggregate([], [10, 10, 9, 5])["nps"] == 50.0


def test_unhappy_answers():
	reasons = s.unhappy_reasons(QUESTIONS, {"q1": 2, "q2": 5, "q3": 6, "q4": 7})
	assert reasons == [("low_score", "q1", 2), ("nps_detractor", "q3", 6)]
	assert s.unhappy_reasons(QUESTIONS, {"q1": 3, "q3": 7}) == []


CUSTOMERS = [
	{"name": f"C{i:03}", "grade": g} for i, g in enumerate(["VIP"] * 5 + ["Key"] * 15 + ["Ordinary"] * 80)
]


def test_sample_is_stratified_exact_and_reproducible():
	picked = s.sample(CUSTOMERS, size=20, seed=42)
	assert len(picked) == 20 and len(set(picked)) == 20
	grades = Counter(c["grade"] for c in CUSTOMERS if c["name"] in picked)
	assert grades == {"VIP": 1, "Key": 3, "Ordinary": 16}
	assert s.sample(list(reversed(CUSTOMERS)), size=20, seed=42) == picked
	assert s.sample(CUSTOMERS, size=20, seed=43) != picked


def test_sample_sizes_and_percentages():
	assert len(s.sample(CUSTOMERS, percentage=10, seed=1)) == 10
	assert len(s.sample(CUSTOMERS, percentage=0.4, seed=1)) == 1
	assert s.sample(CUSTOMERS, size=500) == sorted(c["name"] for c in CUSTOMERS)
	assert s.sample(CUSTOMERS, size=0) == []
	assert s.sample([], percentage=50) == []
	small = s.sample(CUSTOMERS, size=3, seed=5)
	assert Counter(c["grade"] for c in CUSTOMERS if c["name"] in small) == {"VIP": 1, "Key": 1, "Ordinary": 1}


@settings(max_examples=100, deadline=None)
@given(
	st.lists(st.sampled_from(["VIP", "Key", "Ordinary", "Small", None]), min_size=1, max_size=60),
	st.integers(0, 70),
	st.integers(0, 99),
)
def test_sample_properties(grades, size, seed):
	population = [{"name": f"C{i}", "grade": g} for i, g in enumerate(grades)]
	picked = s.sample(population, size=size, seed=seed)
	assert len(picked) == min(size, len(population))
	assert set(picked) <= {c["name"] for c in population}
	assert picked == s.sample(population, size=size, seed=seed)


def test_tokens_and_limits():
	now = datetime(2026, 11, 22, 12, 0)
	assert len(s.new_token()) >= 40 and s.new_token() != s.new_token()
	assert s.token_state(now + timedelta(days=1), None, now) == "valid"
	assert s.token_state(now - timedelta(seconds=1), None, now) == "expired"
	assert s.token_state(now + timedelta(days=1), now, now) == "used"
	attempts = [now - timedelta(seconds=x) for x in (10, 20, 30, 40)]
	assert s.allow_submission(attempts, now)
	assert not s.allow_submission([*attempts, now], now)
	assert s.allow_submission([now - timedelta(hours=1)] * 10, now)
	assert s.progress(0, 0, 0)["response_rate"] is None
	assert s.progress(8, 6, 2) == {
		"invited": 8,
		"opened": 6,
		"answered": 2,
		"open_rate": 75.0,
		"response_rate": 25.0,
	}


def test_unhappy_rule_is_configurable():
	typed = {"q1": 2, "q3": 5}
	assert s.unhappy_reasons(QUESTIONS, typed, threshold=1) == [("nps_detractor", "q3", 5)]
	assert s.unhappy_reasons(QUESTIONS, typed, threshold=0, nps_detractor=False) == []
	assert s.unhappy_reasons(QUESTIONS, typed, threshold=3, nps_detractor=False) == [("low_score", "q1", 2)]
