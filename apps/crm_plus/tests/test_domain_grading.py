from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_plus.domain import formula
from crm_plus.domain.grading import (
	DEFAULT_TIERS,
	FORMULA_VARIABLES,
	Activity,
	GradingConfig,
	GradingConfigError,
	Tier,
	check_formula,
	composite_score,
	cut_points,
	formula_samples,
	grade_customers,
	grade_for,
	is_downgrade,
	parse_cut_points,
	parse_limits,
	quantile_cut_points,
	rating_to_stars,
	score_above,
	score_recency,
	score_upward,
	validate_config,
)

TODAY = date(2026, 11, 22)
TIERS = [Tier(*t) for t in DEFAULT_TIERS]
FIXED = GradingConfig()


def grade_one(activity, config=FIXED):
	return grade_customers([activity], config, TIERS, TODAY)[0]


def test_fixed_scores_follow_the_limits():
	assert score_upward(0, (2, 4, 8, 12)) == 1
	assert score_upward(2, (2, 4, 8, 12)) == 2
	assert score_upward(12, (2, 4, 8, 12)) == 5
	assert score_recency(None, (30, 90, 180, 365)) == 1
	assert score_recency(0, (30, 90, 180, 365)) == 5
	assert score_recency(30, (30, 90, 180, 365)) == 5
	assert score_recency(31, (30, 90, 180, 365)) == 4
	assert score_recency(366, (30, 90, 180, 365)) == 1


def test_composite_score_examples():
	weights = {"r": 2, "f": 2, "m": 3, "p": 2, "credit": 0.5, "strategic": 0.5}
	assert composite_score({"r": 5, "f": 5, "m": 5, "p": 5}, {}, weights) == 100.0
	assert composite_score({"r": 1, "f": 1, "m": 1, "p": 1}, {}, weights) == 0.0
	# (2*3 + 2*3 + 3*3 + 2*3) / 9 = 3 -> 50
	assert composite_score({"r": 3, "f": 3, "m": 3, "p": 3}, {}, weights) == 50.0
	# Manual factors count only when given: a 5 for credit lifts a middling customer.
	with_credit = composite_score({"r": 3, "f": 3, "m": 3, "p": 3}, {"credit": 5, "strategic": 0}, weights)
	assert with_credit == round(((9 * 3 + 0.5 * 5) / 9.5 - 1) / 4 * 100, 2)


def test_the_pyramid_vip_key_ordinary_small():
	big = Activity(
		"Suning", purchases=24, sales=2_000_000, profit=300_000, last_purchase=TODAY - timedelta(days=3)
	)
	good = Activity(
		"Gome", purchases=8, sales=250_000, profit=45_000, last_purchase=TODAY - timedelta(days=40)
	)
	fair = Activity(
		"Guangyuan", purchases=3, sales=20_000, profit=3_000, last_purchase=TODAY - timedelta(days=100)
	)
	none = Activity("Xinglong")
	grades = {r.customer: r.grade for r in grade_customers([big, good, fair, none], FIXED, TIERS, TODAY)}
	assert grades == {"Suning": "VIP", "Gome": "Key", "Guangyuan": "Ordinary", "Xinglong": "Small"}


def test_rating_fractions_become_stars():
	assert rating_to_stars(None) == 0
	assert rating_to_stars(0) == 0
	assert rating_to_stars(0.2) == 1
	assert rating_to_stars(0.8) == 4
	assert rating_to_stars(1.0) == 5
	assert rating_to_stars(3.0) == 5  # never more than the scale


def test_grade_for_and_downgrade():
	assert grade_for(80, TIERS) == "VIP"
	assert grade_for(79.99, TIERS) == "Key"
	assert grade_for(0, TIERS) == "Small"
	assert grade_for(-5, TIERS) == "Small"
	assert is_downgrade("VIP", "Key", TIERS)
	assert not is_downgrade("Key", "VIP", TIERS)
	assert not is_downgrade(None, "Small", TIERS)
	assert not is_downgrade("Key", "Key", TIERS)


def test_quantile_method_grades_relative_to_the_customer_base():
	config = GradingConfig(method="quantile")
	acts = [
		Activity(
			f"c{i}",
			purchases=i,
			sales=i * 1000,
			profit=i * 100,
			last_purchase=TODAY - timedelta(days=100 - i),
		)
		for i in range(1, 11)
	]
	results = {r.customer: r for r in grade_customers(acts, config, TIERS, TODAY)}
	assert results["c10"].scores == {"r": 5, "f": 5, "m": 5, "p": 5}
	assert results["c10"].grade == "VIP"
	assert results["c1"].scores == {"r": 1, "f": 1, "m": 1, "p": 1}
	assert results["c1"].grade == "Small"


def test_parse_limits():
	assert parse_limits("30, 90,180，365") == (30, 90, 180, 365)
	for text, code in [
		("", "limits_missing"),
		("1,2,3", "limits_need_four"),
		("1,2,a,4", "limits_not_numbers"),
		("1,3,2,4", "limits_not_increasing"),
		("-1,2,3,4", "limits_not_numbers"),
	]:
		with pytest.raises(GradingConfigError) as e:
			parse_limits(text)
		assert e.value.code == code


@pytest.mark.parametrize(
	"config, code",
	[
		(GradingConfig(method="magic"), "unknown_method"),
		(GradingConfig(window_days=0), "window_not_positive"),
		(GradingConfig(weights={"r": -1, "f": 1, "m": 1, "p": 1}), "negative_weight"),
		(GradingConfig(weights={"r": 0, "f": 0, "m": 0, "p": 0, "credit": 1}), "no_weight"),
		(GradingConfig(recency_limits=(1, 1, 2, 3)), "limits_not_increasing"),
	],
)
def test_bad_configuration_is_refused(config, code):
	with pytest.raises(GradingConfigError) as e:
		grade_customers([Activity("x")], config, TIERS, TODAY)
	assert e.value.code == code


def test_a_formula_that_does_not_parse_is_refused_by_the_settings_but_grading_keeps_grades():
	config = GradingConfig(formula="__import__('os')")
	with pytest.raises(GradingConfigError) as e:
		validate_config(config, TIERS)
	assert e.value.code == "bad_formula"
	assert e.value.formula_error.code == "unknown_function"
	results = grade_customers([Activity("x", grade="Key", score=65.0), Activity("y")], config, TIERS, TODAY)
	assert [(r.grade, r.score, r.error) for r in results] == [
		("Key", 65.0, "unknown_function"),
		(None, None, "unknown_function"),
	]


def test_tiers_are_checked():
	with pytest.raises(GradingConfigError) as e:
		grade_customers([Activity("x")], FIXED, [], TODAY)
	assert e.value.code == "no_tiers"
	with pytest.raises(GradingConfigError) as e:
		grade_customers([Activity("x")], FIXED, [Tier("A", 120, 1)], TODAY)
	assert e.value.code == "tier_score_out_of_range"


def test_admin_formula_replaces_the_weights_and_is_clamped():
	act = Activity("x", purchases=12, sales=1_000_000, profit=0, last_purchase=TODAY)
	config = GradingConfig(formula="20 * m")
	assert grade_one(act, config).score == 100.0  # 20 * 5 = 100
	config = GradingConfig(formula="sales / 1000")
	assert grade_one(act, config).score == 100.0  # 1000, clamped
	config = GradingConfig(formula="m - 10")
	assert grade_one(act, config).score == 0.0
	config = GradingConfig(formula="50 if days_since_last < 7 and purchases >= 12 else 10")
	assert grade_one(act, config).grade == "Ordinary"


activity = st.builds(
	Activity,
	customer=st.just("x"),
	purchases=st.integers(0, 50),
	sales=st.floats(-10_000, 5_000_000, allow_nan=False),
	profit=st.floats(-10_000, 1_000_000, allow_nan=False),
	last_purchase=st.one_of(st.none(), st.integers(0, 1000).map(lambda d: TODAY - timedelta(days=d))),
	credit=st.integers(0, 5),
	strategic=st.integers(0, 5),
)


@given(activity, st.floats(0, 5_000_000, allow_nan=False))
def test_more_spend_never_lowers_the_grade_fixed(act, extra):
	richer = Activity(
		act.customer,
		act.purchases,
		act.sales + extra,
		act.profit,
		act.last_purchase,
		act.credit,
		act.strategic,
	)
	before, after = grade_one(act), grade_one(richer)
	assert after.score >= before.score
	assert not is_downgrade(before.grade, after.grade, TIERS)


@given(st.lists(st.floats(0, 1_000_000, allow_nan=False), min_size=2, max_size=30), st.data())
def test_more_spend_never_lowers_the_grade_quantile(sales, data):
	config = GradingConfig(method="quantile")
	acts = [
		Activity(f"c{i}", purchases=3, sales=s, profit=100, last_purchase=TODAY) for i, s in enumerate(sales)
	]
	results = {r.customer: r for r in grade_customers(acts, config, TIERS, TODAY)}
	for a in acts:
		for b in acts:
			if a.sales >= b.sales:
				assert results[a.customer].score >= results[b.customer].score


@given(activity)
def test_scores_stay_in_range(act):
	r = grade_one(act)
	assert 0 <= r.score <= 100
	assert all(1 <= s <= 5 for s in r.scores.values())
	assert r.grade in {t.name for t in TIERS}


def test_formula_evaluator_refuses_everything_but_arithmetic():
	for text in [
		"__import__('os').system('true')",
		"().__class__",
		"open('x')",
		"[1, 2]",
		"'a' * 3",
		"lambda: 1",
		"x[0]",
		"r.real",
		"min(r, key=abs)",
		"unknown_name + 1",
	]:
		with pytest.raises(formula.FormulaError):
			formula.evaluate(text, {"r": 1, "x": 2})


def test_formula_evaluator_arithmetic():
	vals = {"a": 3, "b": 4}
	assert formula.evaluate("a * b + 1", vals) == 13
	assert formula.evaluate("max(a, b) - min(a, b)", vals) == 1
	assert formula.evaluate("(a ** 2 + b ** 2) ** 0.5", vals) == 5
	assert formula.evaluate("1 if a < b < 5 else 0", vals) == 1
	assert formula.evaluate("-a + abs(-b) + round(2.6)", vals) == 4
	with pytest.raises(formula.FormulaError) as e:
		formula.evaluate("a / (b - 4)", vals)
	assert e.value.code == "division_by_zero"
	with pytest.raises(formula.FormulaError) as e:
		formula.evaluate("9 ** 9 ** 9", vals)
	assert e.value.code == "exponent_too_large"
	with pytest.raises(formula.FormulaError) as e:
		formula.evaluate("", vals)
	assert e.value.code == "empty_formula"


# ---------------------------------------------------------------- a formula never stops the grading
def test_a_customer_whose_formula_fails_keeps_its_grade_and_the_others_are_graded():
	config = GradingConfig(formula="m * 20 / purchases * 5")
	buyer = Activity("buyer", purchases=1, sales=2_000_000, last_purchase=TODAY, grade="Small", score=0)
	idle = Activity("idle", grade="Key", score=65.5)
	new = Activity("new")
	results = {r.customer: r for r in grade_customers([buyer, idle, new], config, TIERS, TODAY)}
	assert (results["buyer"].grade, results["buyer"].score, results["buyer"].error) == ("VIP", 100.0, None)
	assert (results["idle"].grade, results["idle"].score, results["idle"].error) == (
		"Key",
		65.5,
		"division_by_zero",
	)
	assert (results["new"].grade, results["new"].error) == (None, "division_by_zero")
	assert results["idle"].scores == {"r": 1, "f": 1, "m": 1, "p": 1}  # the scores are still facts


def test_huge_values_for_one_customer_keep_its_grade():
	config = GradingConfig(formula="sales * sales / 1000000000000")
	rich = Activity("rich", purchases=3, sales=1e9, grade="VIP", score=90)
	small = Activity("small", purchases=3, sales=1e6, grade="VIP", score=90)
	results = {r.customer: r for r in grade_customers([rich, small], config, TIERS, TODAY)}
	assert (results["rich"].grade, results["rich"].error) == ("VIP", "value_too_large")
	assert (results["small"].grade, results["small"].score, results["small"].error) == ("Small", 1.0, None)


@pytest.mark.parametrize(
	"text, code, variable, value",
	[
		("m / f", "division_by_zero", "f", 0),
		("20 * m / purchases", "division_by_zero", "purchases", 0),
		("100 - 1000 / days_since_last", "division_by_zero", "days_since_last", 0),
		("sales * sales / 1000000", "value_too_large", "sales", 5e7),  # a top customer
		("sales * 100000", "value_too_large", "sales", 1e11),
		("profit ** 2", "value_too_large", "profit", -1e9),
		("(sales / 1000) ** 0.5", "not_a_real_number", "sales", -1e9),
		("m % credit", "division_by_zero", "credit", 0),
	],
)
def test_the_settings_refuse_a_formula_that_fails_for_values_the_grading_may_pass(
	text, code, variable, value
):
	with pytest.raises(GradingConfigError) as e:
		check_formula(text)
	assert (e.value.code, e.value.detail) == ("formula_fails", code)
	assert e.value.sample[variable] == value
	assert set(e.value.sample) == FORMULA_VARIABLES


@pytest.mark.parametrize(
	"text",
	[
		"20 * (0.3 * r + 0.2 * f + 0.5 * m) - 20",  # the example the settings show
		"100 if purchases >= 1 else 0",
		"m * 20 / max(purchases, 1)",
		"min(100, sales / 10000) + (strategic * 4 if strategic else 0)",
		"0 if f == 0 else m / f",
	],
)
def test_the_settings_accept_formulas_that_work_for_every_sample(text):
	check_formula(text)


def test_formula_samples_cover_zeros_and_the_extremes_of_every_variable():
	samples = formula_samples()
	for name in FORMULA_VARIABLES:
		seen = {s[name] for s in samples}
		assert 0 in seen
		assert len(seen) >= 3
	assert dict.fromkeys(FORMULA_VARIABLES, 0) in samples
	assert all(set(s) == FORMULA_VARIABLES for s in samples)


def test_check_formula_names_what_does_not_parse():
	with pytest.raises(GradingConfigError) as e:
		check_formula("r in f")
	assert (e.value.code, e.value.formula_error.code, e.value.formula_error.detail) == (
		"bad_formula",
		"not_allowed",
		"in",
	)


# ---------------------------------------------------------------- quantiles against stored cut points
def rank_scores(values: dict) -> dict:
	"""The rank rule as first written: 1 + the share strictly below, in fifths."""
	ordered = sorted(values.values())
	n = len(ordered)
	return {k: 1 + min(4, sum(1 for w in ordered if w < v) * 5 // n) for k, v in values.items()}


@given(st.lists(st.integers(-5, 20) | st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=60))
def test_cut_points_give_exactly_the_rank_scores(values):
	base = {f"c{i}": v for i, v in enumerate(values)}
	cuts = cut_points(values)
	assert len(cuts) == 4
	assert list(cuts) == sorted(cuts)
	expected = rank_scores(base)
	assert {k: score_above(v, cuts) for k, v in base.items()} == expected


def test_cut_points_examples():
	assert cut_points(range(10)) == (1, 3, 5, 7)
	assert [score_above(v, (1, 3, 5, 7)) for v in range(10)] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
	assert cut_points([]) == ()
	assert score_above(123, ()) == 1


activity_in_base = st.builds(
	Activity,
	customer=st.uuids().map(str),
	purchases=st.integers(0, 30),
	sales=st.floats(-1000, 1e6, allow_nan=False),
	profit=st.floats(-1000, 2e5, allow_nan=False),
	last_purchase=st.one_of(st.none(), st.integers(0, 800).map(lambda d: TODAY - timedelta(days=d))),
)


@given(st.lists(activity_in_base, min_size=1, max_size=40, unique_by=lambda a: a.customer))
def test_one_customer_against_stored_cut_points_is_graded_as_in_the_full_pass(base):
	config = GradingConfig(method="quantile")
	full = {r.customer: r for r in grade_customers(base, config, TIERS, TODAY)}
	stored = parse_cut_points({k: list(v) for k, v in quantile_cut_points(base, TODAY).items()})
	with_cuts = GradingConfig(method="quantile", cut_points=stored)
	for a in base:
		one = grade_customers([a], with_cuts, TIERS, TODAY)[0]
		assert (one.scores, one.score, one.grade) == (
			full[a.customer].scores,
			full[a.customer].score,
			full[a.customer].grade,
		)


def test_one_customer_is_scored_against_the_cut_points_given_not_ranked_alone():
	cuts = {"r": (-400, -200, -60, -10), "f": (0, 1, 3, 6), "m": (0, 1000, 5000, 20000), "p": (0, 1, 2, 3)}
	config = GradingConfig(method="quantile", cut_points=cuts)
	a = Activity("x", purchases=4, sales=6000, profit=2, last_purchase=TODAY - timedelta(days=30))
	assert grade_one(a, config).scores == {"r": 4, "f": 4, "m": 4, "p": 3}
	# Alone, without cut points, it would be ranked against nobody but itself: all 1.
	assert grade_one(a, GradingConfig(method="quantile")).scores == {"r": 1, "f": 1, "m": 1, "p": 1}
	never = Activity("never")
	assert grade_one(never, config).scores["r"] == 1


def test_parse_cut_points_refuses_what_cannot_be_used():
	good = {"r": [-300, -100, -30, -5], "f": [0, 1, 2, 5], "m": [0, 0, 10, 99], "p": [1, 2, 3, 4]}
	assert parse_cut_points(good)["m"] == (0, 0, 10, 99)
	assert parse_cut_points({**good, "extra": 1}) is not None
	for bad in (None, "x", [], {**good, "r": [1, 2]}, {**good, "f": [3, 2, 1, 0]}, {"r": [1, 2, 3, 4]}):
		assert parse_cut_points(bad) is None
	assert parse_cut_points({**good, "m": ["a", 1, 2, 3]}) is None
	assert parse_cut_points({**good, "m": [float("inf"), 1, 2, 3]}) is None
