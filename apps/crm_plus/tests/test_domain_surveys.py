"""Surveys: answer validation, scores by hand, the unhappy rule, stratified samples, tokens, progress."""

import string
from collections import Counter
from datetime import datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_plus.domain import public_links
from crm_plus.domain import surveys as s
from tests.translations import LOCALE, read_po

QUESTIONS = [
	{"id": "q1", "type": "Satisfaction", "required": 1, "weight": 1},
	{"id": "q2", "type": "Satisfaction", "weight": 1},
	{"id": "q3", "type": "NPS"},
	{"id": "q4", "type": "Rating", "max_rating": 10, "weight": 2},
	{"id": "q5", "type": "Single Choice", "options": "Price\nSpeed\nService"},
	{"id": "q6", "type": "Multiple Choice", "options": ["Price", "Speed", "Service"]},
	{"id": "q7", "type": "Text"},
]
SAT = {"id": "sat", "type": "Satisfaction"}
NPS = {"id": "nps", "type": "NPS"}


# Question types and labels


def test_five_levels_in_order_with_chinese_translations():
	assert [v for v, _label in s.SATISFACTION_LEVELS] == [5, 4, 3, 2, 1]
	zh = read_po(LOCALE / "zh.po")
	assert [zh.get(label) for _v, label in s.SATISFACTION_LEVELS] == [
		"高度满意",
		"一般满意",
		"无意见",
		"有些不满意",
		"极不满意",
	]
	assert set(s.QUESTION_TYPES) == {
		"Satisfaction",
		"NPS",
		"Rating",
		"Single Choice",
		"Multiple Choice",
		"Text",
	}


# Validation


def test_each_error_code():
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
	_typed, not_text = s.validate_answers(QUESTIONS, {"q7": {"a": "<img src=x onerror=alert(1)>"}})
	assert set(errors.values()) | set(not_text.values()) == set(s.ERROR_CODES)


@pytest.mark.parametrize("answer", [{"a": "<b>x</b>"}, ["x"], 5, True])
def test_a_text_answer_that_is_not_text_is_refused(answer):
	"""Round 3: an object was stored as its Python repr (`{'a': ...}`)."""
	text = next(q for q in QUESTIONS if q["type"] == "Text")
	assert s.normalize_answer(text, answer) == (None, "not_text")
	assert s.normalize_answer(text, "  fine  ") == ("fine", None)


def test_valid_answers_are_typed():
	answers = {
		"q1": "5",
		"q2": 3,
		"q3": " 9 ",
		"q4": "10.0",
		"q5": "Speed",
		"q6": "Price\nService",
		"q7": " 很好 ",
	}
	typed, errors = s.validate_answers(QUESTIONS, answers)
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
	assert s.normalize_answers(QUESTIONS, answers) == typed
	assert s.validate_answers(QUESTIONS, answers)[1] == {}
	assert s.validate_answers(QUESTIONS, {})[1] == {"q1": "required"}


@pytest.mark.parametrize("blank", [None, "", "   ", [], ["", " "], "\n"])
def test_blank_answers_are_required_or_skipped(blank):
	assert s.normalize_answer({"type": "Satisfaction", "required": 1}, blank) == (None, "required")
	assert s.normalize_answer({"type": "Multiple Choice", "required": 1, "options": "a"}, blank) == (
		None,
		"required",
	)
	assert s.normalize_answer({"type": "Text"}, blank) == (None, None)


@pytest.mark.parametrize(
	("question", "raw", "expected"),
	[
		(SAT, "1", (1, None)),
		(SAT, "5", (5, None)),
		(SAT, "0", (None, "out_of_range")),
		(SAT, "6", (None, "out_of_range")),
		(SAT, "-1", (None, "out_of_range")),
		(SAT, "nan", (None, "not_a_number")),
		(SAT, "inf", (None, "not_a_number")),
		(SAT, True, (None, "not_a_number")),
		(SAT, ["4"], (None, "not_a_number")),
		(NPS, "0", (0, None)),
		(NPS, "10", (10, None)),
		(NPS, "11", (None, "out_of_range")),
		(NPS, 7.0, (7, None)),
		({"type": "Rating"}, "5", (5, None)),
		({"type": "Rating"}, "6", (None, "out_of_range")),
		({"type": "Rating"}, "0", (None, "out_of_range")),
		({"type": "Rating", "max_rating": 0}, "5", (5, None)),
		({"type": "Rating", "max_rating": 7}, "7", (7, None)),
		({"type": "Rating", "max_rating": "7"}, "8", (None, "out_of_range")),
	],
)
def test_numbers_and_their_ranges(question, raw, expected):
	assert s.normalize_answer(question, raw) == expected


def test_choices():
	single = {"type": "Single Choice", "options": "Price\n Speed \n\nService"}
	assert s.options_of(single) == ["Price", "Speed", "Service"]
	assert s.normalize_answer(single, " Speed ") == ("Speed", None)
	assert s.normalize_answer(single, ["Speed"]) == ("Speed", None)
	assert s.normalize_answer(single, ["Speed", "Price"]) == (None, "unknown_option")
	assert s.normalize_answer(single, "speed") == (None, "unknown_option")
	multiple = {"type": "Multiple Choice", "options": ["Price", "Speed", "Service"]}
	assert s.normalize_answer(multiple, ["Speed", "Price", "Speed", ""]) == (["Speed", "Price"], None)
	assert s.normalize_answer(multiple, "Service") == (["Service"], None)
	assert s.normalize_answer(multiple, "Price\nTaste") == (None, "unknown_option")
	assert s.normalize_answer({"type": "Single Choice"}, "x") == (None, "unknown_option")


def test_text_length_and_unknown_ids():
	assert s.normalize_answer({"type": "Text"}, "字" * 2000) == ("字" * 2000, None)
	assert s.normalize_answer({"type": "Text"}, " " + "a" * 2000 + " ") == ("a" * 2000, None)
	assert s.normalize_answer({"type": "Text"}, "a" * 2001) == (None, "too_long")
	assert s.validate_answers(QUESTIONS, {"q1": "4", "forged": "x"}) == ({"q1": 4}, {})


# Scores of one response


def test_response_scores_by_hand():
	# 5 and 3 (weight 1 each), a rating of 10/10 = 5 on the 1-5 scale (weight 2): (5 + 3 + 2 * 5) / 4 = 4.5
	scores = s.response_scores(QUESTIONS, {"q1": 5, "q2": 3, "q3": 9, "q4": 10, "q7": "ok"})
	assert scores == {
		"average": 4.5,
		"csat": 50.0,
		"satisfied": 1,
		"satisfaction_answers": 2,
		"nps_score": 9,
		"nps_category": "promoter",
	}
	empty = s.response_scores(QUESTIONS, {})
	assert (empty["average"], empty["csat"], empty["nps_score"], empty["nps_category"]) == (
		None,
		None,
		None,
		None,
	)


def test_ratings_map_onto_five_points_and_weights_apply():
	assert s.on_five_point_scale({"type": "Rating", "max_rating": 7}, 4) == 3  # 1 + 3 * 4 / 6
	assert s.on_five_point_scale({"type": "Rating"}, 2) == 2
	assert s.on_five_point_scale({"type": "Rating", "max_rating": 10}, 1) == 1
	assert s.on_five_point_scale(NPS, 9) is None
	questions = [
		{"id": "a", "type": "Satisfaction", "weight": 3},
		{"id": "b", "type": "Rating", "max_rating": 3, "weight": 1},  # 2 of 3 -> 3
		{"id": "c", "type": "Satisfaction", "weight": 0},  # left out of the average
	]
	scores = s.response_scores(questions, {"a": 4, "b": 2, "c": 1})
	assert scores["average"] == 3.75  # (3 * 4 + 3) / 4
	assert scores["csat"] == 50.0  # weights do not apply to CSAT
	assert s.response_scores(questions, {"c": 1})["average"] is None
	assert s.weight_of({}) == 1 and s.weight_of({"weight": ""}) == 1 and s.weight_of({"weight": -2}) == 0


@pytest.mark.parametrize(
	("score", "category"),
	[(0, "detractor"), (6, "detractor"), (7, "passive"), (8, "passive"), (9, "promoter"), (10, "promoter")],
)
def test_nps_categories(score, category):
	assert s.nps_category(score) == category
	assert s.response_scores([NPS], {"nps": score})["nps_category"] == category


# Scores of many responses


def figures(sat, nps) -> dict:
	"""The campaign figures of these answers alone (their counters, then the figures of the counters)."""
	return s.progress_figures(s.answer_sums(sat, nps))


def test_figures_by_hand():
	sums = s.answer_sums([5, 4, 3, 2, 1], [10, 9, 8, 7, 6, 0])
	assert (sums["satisfaction_answers"], sums["nps_answers"]) == (5, 6)
	result = s.progress_figures(sums)
	assert (result["average_score"], result["csat"], result["nps"]) == (3.0, 40.0, 0.0)
	assert figures([], [10] * 3)["nps"] == 100.0
	assert figures([], [3])["nps"] == -100.0


def test_figures_of_nothing_are_none_not_an_error():
	assert s.answer_sums([], [])["satisfaction_answers"] == 0 and s.answer_sums([], [])["nps_answers"] == 0
	assert figures([], []) == {"response_rate": None, "average_score": None, "csat": None, "nps": None}


def test_rounding_is_half_away_from_zero():
	# 33 / 8 = 4.125: Python's round() gives 4.12 (half to even), the documented rule 4.13
	assert figures([5, 4, 4, 4, 4, 4, 4, 4], [])["average_score"] == 4.13
	assert figures([], [10, 7, 7, 7, 7, 7, 7, 7])["nps"] == 12.5
	assert figures([1, 4, 4], [])["csat"] == 66.7
	assert figures([4, 1, 1], [])["csat"] == 33.3
	assert s.progress_figures({"invited": 8, "opened": 1, "answered": 1})["response_rate"] == 12.5
	assert s.progress_figures({"invited": 800, "opened": 1, "answered": 1})["response_rate"] == 0.1  # 0.125
	assert s._round(-12.25, 1) == -12.3 and s._round(Fraction(-1, 8), 2) == -0.13


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 5)), st.lists(st.integers(0, 10)))
def test_figures_bounds(sat, nps):
	sums = s.answer_sums(sat, nps)
	result = s.progress_figures(sums)
	assert sums["satisfaction_answers"] == len(sat) and sums["nps_answers"] == len(nps)
	assert (result["csat"] is None) == (not sat) and (result["nps"] is None) == (not nps)
	if sat:
		assert 0 <= result["csat"] <= 100 and 1 <= result["average_score"] <= 5
	if nps:
		assert -100 <= result["nps"] <= 100


# The unhappy rule


def test_unhappy_reasons_by_default():
	reasons = s.unhappy_reasons(QUESTIONS, {"q1": 2, "q2": 5, "q3": 6, "q4": 7})
	assert reasons == [("low_score", "q1", 2), ("nps_detractor", "q3", 6)]
	assert s.unhappy_reasons(QUESTIONS, {"q1": 3, "q3": 7}) == []
	assert s.unhappy_reasons(QUESTIONS, {}) == []


def test_unhappy_rule_is_configurable():
	typed = {"q1": 2, "q3": 5}
	assert s.unhappy_reasons(QUESTIONS, typed, threshold=1) == [("nps_detractor", "q3", 5)]
	assert s.unhappy_reasons(QUESTIONS, typed, threshold=0, nps_detractor=False) == []
	assert s.unhappy_reasons(QUESTIONS, typed, threshold=3, nps_detractor=False) == [("low_score", "q1", 2)]


def test_unhappy_ratings_are_judged_on_the_five_point_scale():
	# 3 of 10 is 1.89 on 1-5 (unhappy at 2); 4 of 10 is 2.33 (not)
	assert s.unhappy_reasons(QUESTIONS, {"q4": 3}) == [("low_score", "q4", 3)]
	assert s.unhappy_reasons(QUESTIONS, {"q4": 4}) == []
	assert s.unhappy_reasons([{"id": "r", "type": "Rating"}], {"r": 2}) == [("low_score", "r", 2)]


# Sampling

GRADES = ["VIP"] * 5 + ["Key"] * 15 + ["Ordinary"] * 80
CUSTOMERS = [{"name": f"C{i:03}", "grade": g} for i, g in enumerate(GRADES)]


def grades_of(names, customers=CUSTOMERS):
	picked = set(names)
	return Counter(c["grade"] for c in customers if c["name"] in picked)


def test_sample_is_stratified_exact_and_reproducible():
	picked = s.sample_customers(CUSTOMERS, size=20, seed=42)
	assert len(picked) == 20 and len(set(picked)) == 20 and picked == sorted(picked)
	assert grades_of(picked) == {"VIP": 1, "Key": 3, "Ordinary": 16}
	assert s.sample_customers(list(reversed(CUSTOMERS)), size=20, seed=42) == picked
	assert s.sample_customers(CUSTOMERS, size=20, seed="42") == s.sample_customers(
		CUSTOMERS, size=20, seed="42"
	)


def test_different_seeds_usually_give_different_samples():
	samples = {tuple(s.sample_customers(CUSTOMERS, size=20, seed=seed)) for seed in range(20)}
	assert len(samples) >= 18


@pytest.mark.parametrize(
	("population", "size", "percentage", "expected"),
	[
		(100, None, None, 100),
		(100, 20, 50, 20),  # size wins
		(100, 500, None, 100),
		(100, 0, None, 0),
		(100, -3, None, 0),
		(10, None, 15, 2),  # 1.5 rounds up
		(10, None, 25, 3),  # 2.5 rounds up (not to even)
		(10, None, 14, 1),
		(100, None, 0.4, 1),  # at least one
		(100, None, 0, 0),
		(0, None, 50, 0),
		(30, None, 33.3, 10),  # 9.99
		(10, None, 250, 10),
	],
)
def test_sample_sizes(population, size, percentage, expected):
	assert s.sample_size(population, size, percentage) == expected
	customers = [{"name": f"C{i}", "grade": "VIP" if i % 3 else "Key"} for i in range(population)]
	assert len(s.sample_customers(customers, size=size, percentage=percentage, seed=1)) == expected


def test_every_stratum_gets_one_when_the_size_allows():
	assert grades_of(s.sample_customers(CUSTOMERS, size=3, seed=5)) == {"VIP": 1, "Key": 1, "Ordinary": 1}
	assert s.allocate({"A": 1, "B": 1, "C": 98}, 10, {"A": 1, "B": 1, "C": 1}) == {"A": 1, "B": 1, "C": 8}
	# fewer places than strata: plain largest remainder
	assert sum(grades_of(s.sample_customers(CUSTOMERS, size=2, seed=5)).values()) == 2
	assert s.allocate({"A": 1, "B": 1, "C": 98}, 2) == {"A": 0, "B": 0, "C": 2}


def test_largest_remainder_by_hand():
	assert s.allocate({"VIP": 5, "Key": 15, "Ordinary": 80}, 20) == {"VIP": 1, "Key": 3, "Ordinary": 16}
	# quotas 1.2, 4.2, 4.6: 1 + 4 + 4, the last place to the largest remainder (0.6: C)
	assert s.allocate({"A": 6, "B": 21, "C": 23}, 10) == {"A": 1, "B": 4, "C": 5}
	# quotas 1.4, 4.2, 4.4: the tie of 0.4 goes to A, first in sorted order
	assert s.allocate({"A": 7, "B": 21, "C": 22}, 10) == {"A": 2, "B": 4, "C": 4}
	assert s.allocate({"B": 1, "A": 1}, 1) == {"A": 1, "B": 0}
	assert s.allocate({}, 5) == {} and s.allocate({"A": 0, "B": 2}, 5) == {"B": 2}


def test_minimum_per_stratum():
	every_key = s.sample_customers(CUSTOMERS, size=30, seed=7, min_per_stratum={"Key": 15})
	assert len(every_key) == 30
	assert grades_of(every_key) == {"Key": 15, "VIP": 1, "Ordinary": 14}  # 15 left: 5/85 and 80/85 of them
	# minimums are capped at the stratum and win over a smaller size
	assert grades_of(s.sample_customers(CUSTOMERS, size=4, seed=7, min_per_stratum={"VIP": 9, "Key": 2})) == {
		"VIP": 5,
		"Key": 2,
	}
	# a stratum that does not exist is ignored
	assert len(s.sample_customers(CUSTOMERS, size=10, seed=7, min_per_stratum={"Lost": 3})) == 10


def test_sample_edge_cases():
	assert s.sample_customers([], size=5) == []
	assert s.sample_customers(CUSTOMERS, size=500) == sorted(c["name"] for c in CUSTOMERS)
	unstratified = s.sample_customers(CUSTOMERS, size=10, seed=3, stratify_by=None)
	assert len(unstratified) == 10
	blank = [{"name": "A", "grade": None}, {"name": "B", "grade": ""}, {"name": "C", "grade": "VIP"}]
	assert sorted(s.sample_customers(blank, size=2, seed=1)) in (["A", "C"], ["B", "C"])
	twice = [*CUSTOMERS, *CUSTOMERS]
	moved = [{"name": "A", "grade": "Key"}, {"name": "A", "grade": "VIP"}, {"name": "B", "grade": "VIP"}]
	assert s.sample_customers(moved, seed=1) == ["A", "B"]
	assert s.sample_customers(moved, size=1, seed=1) == s.sample_customers(moved[::-1], size=1, seed=1)
	assert s.sample_customers(twice, size=20, seed=42) == s.sample_customers(CUSTOMERS, size=20, seed=42)


@settings(max_examples=150, deadline=None)
@given(
	st.lists(st.sampled_from(["VIP", "Key", "Ordinary", "Small", None]), min_size=1, max_size=80),
	st.integers(0, 90),
	st.integers(0, 10**6),
	st.randoms(use_true_random=False),
)
def test_sample_properties(grades, size, seed, shuffler):
	population = [{"name": f"C{i}", "grade": g} for i, g in enumerate(grades)]
	picked = s.sample_customers(population, size=size, seed=seed)
	n, total = len(population), min(size, len(population))
	assert len(picked) == total and len(set(picked)) == total
	assert set(picked) <= {c["name"] for c in population}
	shuffled = population[:]
	shuffler.shuffle(shuffled)
	assert s.sample_customers(shuffled, size=size, seed=seed) == picked
	strata = Counter(c["grade"] or "" for c in population)
	got = Counter(c["grade"] or "" for c in population if c["name"] in set(picked))
	if total >= len(strata):
		assert all(got[k] >= 1 for k in strata)
	ideal = {k: Fraction(total * strata[k], n) for k in strata}
	if total < len(strata) or all(q >= 1 for q in ideal.values()):  # no floor binds
		assert all(abs(got[k] - ideal[k]) < 1 for k in strata)


@settings(max_examples=200, deadline=None)
@given(
	st.dictionaries(st.text(string.ascii_letters, max_size=3), st.integers(0, 50), max_size=6),
	st.integers(0, 200),
)
def test_allocation_without_floors_is_within_one_of_the_ideal(sizes, total):
	counts = s.allocate(sizes, total)
	population = sum(sizes.values())
	assert sum(counts.values()) == min(total, population)
	for k, count in counts.items():
		assert 0 <= count <= sizes[k]
		assert abs(count - Fraction(min(total, population) * sizes[k], population)) < 1


# Tokens, submissions and progress

NOW = datetime(2026, 11, 22, 12, 0)


def test_tokens_are_unguessable_and_url_safe():
	tokens = {public_links.new_token() for _ in range(100)}
	assert len(tokens) == 100
	assert all(len(t) == 43 and set(t) <= set(string.ascii_letters + string.digits) for t in tokens)


@pytest.mark.parametrize(
	("expires_at", "used_at", "state"),
	[
		(NOW + timedelta(days=1), None, "valid"),
		(NOW + timedelta(microseconds=1), None, "valid"),
		(NOW, None, "expired"),
		(NOW - timedelta(seconds=1), None, "expired"),
		(None, None, "valid"),
		(NOW + timedelta(days=1), NOW, "used"),
		(NOW - timedelta(days=1), NOW - timedelta(days=2), "used"),
		(None, NOW, "used"),
	],
)
def test_token_states_at_the_boundaries(expires_at, used_at, state):
	assert public_links.link_state(expires_at, used_at, NOW) == state


def test_a_closed_campaign_closes_its_unused_links():
	later, earlier = NOW + timedelta(days=1), NOW - timedelta(days=1)
	assert public_links.link_state(later, None, NOW, open=False) == "closed"
	assert public_links.link_state(earlier, None, NOW, open=False) == "closed"
	assert public_links.link_state(None, None, NOW, open=False) == "closed"
	assert public_links.link_state(later, earlier, NOW, open=False) == "used"  # answered stays answered
	assert public_links.link_state(later, None, NOW, open=True) == "valid"


def test_response_rate():
	assert s.progress_figures({"invited": 0, "opened": 0, "answered": 0})["response_rate"] is None
	assert s.progress_figures({"invited": 8, "opened": 6, "answered": 2})["response_rate"] == 25.0
	assert s.progress_figures({"invited": 3, "opened": 1, "answered": 1})["response_rate"] == 33.3


# Progress kept as counters

STATUSES = ("Pending", "Sent", "Opened", "Answered", "Expired")


def recount(statuses, responses) -> dict:
	"""What a full recount gives (as the site's recount groups invitations and answers)."""
	by_status = Counter(statuses)
	answered = by_status["Answered"]
	sat = [v for values, _n in responses for v in values]
	nps = [v for _s, values in responses for v in values]
	promoters, detractors = sum(1 for v in nps if v >= 9), sum(1 for v in nps if v <= 6)
	return {
		"invited": len(statuses),
		"opened": answered + by_status["Opened"],
		"answered": answered,
		"response_rate": s._percent(answered, len(statuses)),
		"average_score": s._round(Fraction(sum(sat), len(sat)), 2) if sat else None,
		"csat": s._percent(sum(1 for v in sat if v >= 4), len(sat)),
		"nps": s._round(Fraction(100 * (promoters - detractors), len(nps)), 1) if nps else None,
	}


def add(counters: dict, change: dict) -> None:
	for key, value in change.items():
		counters[key] = counters.get(key, 0) + value


def test_status_changes_by_hand():
	assert s.status_change(None, "Pending") == {"invited": 1, "opened": 0, "answered": 0}
	assert s.status_change("Sent", "Opened") == {"invited": 0, "opened": 1, "answered": 0}
	assert s.status_change("Opened", "Answered") == {"invited": 0, "opened": 0, "answered": 1}
	# Answered on the phone, or on a page whose view was not marked: opened and answered at once.
	assert s.status_change("Sent", "Answered") == {"invited": 0, "opened": 1, "answered": 1}
	assert s.status_change("Pending", "Sent") == {"invited": 0, "opened": 0, "answered": 0}
	assert s.status_change("Answered", None) == {"invited": -1, "opened": -1, "answered": -1}
	assert s.status_change("Opened", "Expired") == {"invited": 0, "opened": -1, "answered": 0}


def test_progress_figures_by_hand():
	counters = {"invited": 8, "opened": 3, "answered": 1}
	counters |= s.answer_sums([5, 4, 4, 4, 4, 4, 4, 4], [10, 7, 7, 7, 7, 7, 7, 7])
	assert counters["satisfaction_total"] == 33 and counters["satisfied_answers"] == 8
	assert (counters["nps_promoters"], counters["nps_detractors"]) == (1, 0)
	assert s.progress_figures(counters) == {
		"response_rate": 12.5,
		"average_score": 4.13,
		"csat": 100.0,
		"nps": 12.5,
	}
	empty = {"response_rate": None, "average_score": None, "csat": None, "nps": None}
	assert s.progress_figures({}) == empty
	assert s.progress_figures({"invited": 3, "answered": 1})["response_rate"] == 33.3


@settings(max_examples=200, deadline=None)
@given(
	st.lists(st.lists(st.sampled_from((None, *STATUSES)), min_size=1, max_size=6), max_size=30),
	st.lists(
		st.tuples(
			st.lists(st.integers(1, 5), max_size=4), st.lists(st.integers(0, 10), max_size=2), st.booleans()
		),
		max_size=30,
	),
)
def test_counters_equal_a_full_recount(histories, responses):
	"""Each invitation walks through statuses (None: not there, created, deleted) and each response is
	stored (and some removed again); the counters, changed by each step's difference only, give the
	figures a full recount of what is left gives."""
	counters: dict = {}
	finals = []
	for history in histories:
		previous = None
		for status in history:
			add(counters, s.status_change(previous, status))
			previous = status
		if previous:
			finals.append(previous)
	kept = []
	for sat, nps, removed in responses:
		add(counters, s.answer_sums(sat, nps))
		if removed:
			add(counters, s.negated(s.answer_sums(sat, nps)))
		else:
			kept.append((sat, nps))
	expected = recount(finals, kept)
	assert {key: counters.get(key, 0) for key in s.STATUS_COUNTERS} == {
		key: expected[key] for key in s.STATUS_COUNTERS
	}
	assert s.progress_figures(counters) == {
		key: expected[key] for key in ("response_rate", "average_score", "csat", "nps")
	}
	assert all(counters.get(key, 0) >= 0 for key in s.PROGRESS_COUNTERS)
