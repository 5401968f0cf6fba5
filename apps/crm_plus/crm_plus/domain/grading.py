"""Customer grading (客户分级): RFM and profit scores, a composite score and the grade pyramid.

A customer's activity over a window (purchases, net sales, gross profit, last purchase date) gets
four scores from 1 to 5: recency, frequency, monetary and profit. Scores come from fixed limits
set by an admin, or from quantiles of the whole customer base. The weighted scores, together with
optional manual factors (credit standing, strategic value, 1-5 each), give a score from 0 to 100,
or an admin's formula does; the score maps to the highest tier whose minimum it reaches (VIP, Key,
Ordinary, Small by default: the pyramid of seed 001).

Quantiles are cut points: the nightly pass ranks the whole base once (`quantile_cut_points`) and
stores them; a single customer is then scored against the stored cut points (`score_above`), which
gives exactly the score its rank among the base gave, without ranking the base again.

An admin's formula never stops the grading: a customer whose formula evaluation fails keeps its
current grade and score, and its result carries the error (`GradeResult.error`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from crm_plus.domain import formula as formulas

SCORE_KEYS = ("r", "f", "m", "p")
FACTOR_KEYS = ("credit", "strategic")
FORMULA_VARIABLES = frozenset([*SCORE_KEYS, *FACTOR_KEYS, "sales", "profit", "purchases", "days_since_last"])
DEFAULT_TIERS = (("VIP", 80.0, 1), ("Key", 60.0, 2), ("Ordinary", 30.0, 3), ("Small", 0.0, 4))
NEVER_DAYS = 9999  # days_since_last of a customer who never bought (the formula's value and recency's)


class GradingConfigError(ValueError):
	"""`code` says what is wrong; for the formula, `formula_error` is the FormulaError and `sample` the
	values it failed for (formula_fails)."""

	def __init__(self, code: str, detail: str = "", formula_error=None, sample: dict | None = None):
		super().__init__(f"{code}: {detail}" if detail else code)
		self.code = code
		self.detail = detail
		self.formula_error = formula_error
		self.sample = sample


@dataclass(frozen=True)
class Activity:
	"""What the transactions of one customer add up to, over the scoring window."""

	customer: str
	purchases: int = 0
	sales: float = 0.0
	profit: float = 0.0
	last_purchase: date | None = None
	credit: int = 0  # manual factor 1-5, 0 when not given
	strategic: int = 0  # manual factor 1-5, 0 when not given
	grade: str | None = None  # the grade it has now: kept when its formula cannot be evaluated
	score: float | None = None  # the score it has now


@dataclass(frozen=True)
class Tier:
	name: str
	min_score: float
	rank: int  # 1 is the top of the pyramid


@dataclass(frozen=True)
class GradingConfig:
	method: str = "fixed"  # "fixed" or "quantile"
	window_days: int = 365
	recency_limits: tuple[float, ...] = (30, 90, 180, 365)
	frequency_limits: tuple[float, ...] = (2, 4, 8, 12)
	monetary_limits: tuple[float, ...] = (10_000, 50_000, 200_000, 1_000_000)
	profit_limits: tuple[float, ...] = (2_000, 10_000, 40_000, 200_000)
	weights: dict[str, float] = field(
		default_factory=lambda: {"r": 2, "f": 2, "m": 3, "p": 2, "credit": 0.5, "strategic": 0.5}
	)
	formula: str | None = None
	# Quantiles only: the stored cut points of the whole base (see quantile_cut_points); without
	# them the customers given are ranked against each other.
	cut_points: dict[str, tuple[float, ...]] | None = None


@dataclass(frozen=True)
class GradeResult:
	customer: str
	scores: dict[str, int]
	score: float | None
	grade: str | None
	error: str | None = None  # a FormulaError code: the grade and score are the customer's old ones


def rating_to_stars(value: float | None, out_of: int = 5) -> int:
	"""Frappe v15 stores a Rating field as a fraction (4 stars of 5 = 0.8); the factor is in stars."""
	if not value:
		return 0
	return max(0, min(out_of, round(float(value) * out_of)))


def parse_limits(text: str | Sequence[float] | None, name: str = "") -> tuple[float, ...]:
	"""Four increasing limits, from '30,90,180,365' or a sequence; raises GradingConfigError."""
	if text is None or text == "":
		raise GradingConfigError("limits_missing", name)
	if isinstance(text, str):
		parts = [p.strip() for p in text.replace("，", ",").split(",") if p.strip()]
		try:
			values = tuple(float(p) for p in parts)
		except ValueError:
			raise GradingConfigError("limits_not_numbers", name) from None
	else:
		values = tuple(float(v) for v in text)
	if len(values) != 4:
		raise GradingConfigError("limits_need_four", name)
	if any(not math.isfinite(v) or v < 0 for v in values):
		raise GradingConfigError("limits_not_numbers", name)
	if any(b <= a for a, b in itertools.pairwise(values)):
		raise GradingConfigError("limits_not_increasing", name)
	return values


def validate_config(config: GradingConfig, tiers: Sequence[Tier], parse_formula: bool = True) -> None:
	"""Raise GradingConfigError for settings that cannot grade anybody sensibly.

	With parse_formula=False the formula is not looked at (grading copes with a bad one); the
	settings check the formula further with `check_formula`."""
	if config.method not in ("fixed", "quantile"):
		raise GradingConfigError("unknown_method", config.method)
	if config.window_days <= 0:
		raise GradingConfigError("window_not_positive")
	for name in ("recency_limits", "frequency_limits", "monetary_limits", "profit_limits"):
		parse_limits(getattr(config, name), name)
	if any(w < 0 for w in config.weights.values()):
		raise GradingConfigError("negative_weight")
	if not config.formula and not any(config.weights.get(k, 0) > 0 for k in SCORE_KEYS):
		raise GradingConfigError("no_weight")
	if config.formula and parse_formula:
		parse_formula_or_raise(config.formula)
	if not tiers:
		raise GradingConfigError("no_tiers")
	if len({t.name for t in tiers}) != len(tiers):
		raise GradingConfigError("duplicate_tier")
	if any(not 0 <= t.min_score <= 100 for t in tiers):
		raise GradingConfigError("tier_score_out_of_range")


def formula_samples() -> list[dict[str, float]]:
	"""Values the grading may pass to a formula: zeros, a new customer, a typical and a top customer,
	and each of those with every variable at each of its extremes.

	Scores are 1-5 when graded, yet 0 is tried for them too (a score of 0 may mean "not scored" one
	day): a formula must guard its divisions, e.g. `m / max(f, 1)`."""
	zeros = dict.fromkeys(FORMULA_VARIABLES, 0)
	new = {**zeros, "r": 1, "f": 1, "m": 1, "p": 1, "days_since_last": NEVER_DAYS}
	typical = {
		"r": 3,
		"f": 3,
		"m": 3,
		"p": 3,
		"credit": 3,
		"strategic": 3,
		"sales": 50_000,
		"profit": 8_000,
		"purchases": 5,
		"days_since_last": 45,
	}
	top = {**dict.fromkeys((*SCORE_KEYS, *FACTOR_KEYS), 5), "sales": 5e7, "profit": 1e7}
	top |= {"purchases": 500, "days_since_last": 0}
	extremes = {
		**dict.fromkeys(SCORE_KEYS, (0, 1, 5)),
		**dict.fromkeys(FACTOR_KEYS, (0, 1, 5)),
		"sales": (0, -1e9, 1e11),
		"profit": (0, -1e9, 1e10),
		"purchases": (0, 1, 100_000),
		"days_since_last": (0, 1, NEVER_DAYS),
	}
	samples = [zeros, new, typical, top]
	for base in (zeros, new, typical, top):
		for key, values in extremes.items():
			samples += [{**base, key: v} for v in values if base[key] != v]
	return samples


def check_formula(expression: str) -> None:
	"""Raise GradingConfigError("formula_fails") when the formula cannot be evaluated for some values
	the grading may pass; `detail` is the FormulaError code and `sample` the values."""
	parsed = parse_formula_or_raise(expression)
	for values in formula_samples():
		try:
			formulas.evaluate(parsed, values)
		except formulas.FormulaError as e:
			raise GradingConfigError("formula_fails", e.code, formula_error=e, sample=values) from None


def parse_formula_or_raise(expression: str):
	try:
		return formulas.parse(expression, FORMULA_VARIABLES)
	except formulas.FormulaError as e:
		detail = e.code + (f" ({e.detail})" if e.detail else "")
		raise GradingConfigError("bad_formula", detail, formula_error=e) from None


def score_upward(value: float, limits: Sequence[float]) -> int:
	"""1 plus the number of limits the value reaches: more is better (frequency, money, profit)."""
	return 1 + sum(1 for limit in limits if value >= limit)


def score_recency(days_since_last: float | None, limits: Sequence[float]) -> int:
	"""5 when the last purchase is within the first limit, down to 1 beyond the last or never."""
	if days_since_last is None:
		return 1
	return 5 - sum(1 for limit in limits if days_since_last > limit)


def cut_points(values: Iterable[float]) -> tuple[float, ...]:
	"""The four quintile cut points of a base: a value scores 1 plus the number of cuts it exceeds.

	Scored so, each value of the base gets 1 + (share of the base strictly below it, in fifths):
	the share reaches k fifths exactly when the value exceeds the ceil(k*n/5)-th smallest value.
	An empty base has no cuts (everybody scores 1).
	"""
	ordered = sorted(values)
	n = len(ordered)
	if not n:
		return ()
	return tuple(float(ordered[(k * n + 4) // 5 - 1]) for k in range(1, 5))


def score_above(value: float, cuts: Sequence[float]) -> int:
	"""1 plus the number of cut points the value is strictly above (quantile scores)."""
	return 1 + sum(1 for cut in cuts if value > cut)


def days_since(last: date | None, today: date) -> int | None:
	return None if last is None else max(0, (today - last).days)


def _quantile_measures(a: Activity, today: date) -> dict[str, float]:
	"""What quantiles rank, more being better: recency is minus the days since the last purchase
	(a customer who never bought counts NEVER_DAYS, below everyone who did)."""
	last = days_since(a.last_purchase, today)
	return {
		"r": -float(NEVER_DAYS if last is None else min(last, NEVER_DAYS - 1)),
		"f": float(a.purchases),
		"m": float(a.sales),
		"p": float(a.profit),
	}


def quantile_cut_points(activities: Iterable[Activity], today: date) -> dict[str, tuple[float, ...]]:
	"""The cut points of the whole customer base, per score (r in minus days, see _quantile_measures);
	the nightly pass stores them, and a single customer is scored against them."""
	measures = [_quantile_measures(a, today) for a in activities]
	return {key: cut_points(m[key] for m in measures) for key in SCORE_KEYS}


def parse_cut_points(stored) -> dict[str, tuple[float, ...]] | None:
	"""Stored cut points ({"r": [...], ...}) checked; None when missing or not usable."""
	if not isinstance(stored, dict):
		return None
	try:
		cuts = {key: tuple(float(v) for v in stored[key]) for key in SCORE_KEYS}
	except (KeyError, TypeError, ValueError):
		return None
	if any(len(c) not in (0, 4) or any(not math.isfinite(v) for v in c) for c in cuts.values()):
		return None
	if any(b < a for c in cuts.values() for a, b in itertools.pairwise(c)):
		return None
	return cuts


def rfm_scores(activities: Sequence[Activity], config: GradingConfig, today: date) -> dict[str, dict]:
	"""The r, f, m, p scores of every customer, by the configured method.

	Quantiles: against config.cut_points when given (a single customer against the stored base),
	otherwise against the cut points of the customers given (the nightly pass over everyone)."""
	if config.method == "quantile":
		cuts = config.cut_points or quantile_cut_points(activities, today)
		return {
			a.customer: {
				key: score_above(value, cuts[key]) for key, value in _quantile_measures(a, today).items()
			}
			for a in activities
		}
	return {
		a.customer: {
			"r": score_recency(days_since(a.last_purchase, today), config.recency_limits),
			"f": score_upward(a.purchases, config.frequency_limits),
			"m": score_upward(a.sales, config.monetary_limits),
			"p": score_upward(a.profit, config.profit_limits),
		}
		for a in activities
	}


def composite_score(scores: dict[str, int], factors: dict[str, int], weights: dict[str, float]) -> float:
	"""Weighted mean of the scores on a 0-100 scale; manual factors left at 0 are not counted."""
	parts = [(scores[k], weights.get(k, 0)) for k in SCORE_KEYS]
	parts += [(factors[k], weights.get(k, 0)) for k in FACTOR_KEYS if factors.get(k)]
	total_weight = sum(w for _, w in parts if w > 0)
	if total_weight == 0:
		return 0.0
	mean = sum(min(max(s, 1), 5) * w for s, w in parts if w > 0) / total_weight
	return round((mean - 1) / 4 * 100, 2)


def formula_score(expression, scores: dict[str, int], activity: Activity, today: date) -> float:
	"""The admin formula's score, clamped to 0-100."""
	last = days_since(activity.last_purchase, today)
	values = {
		**scores,
		"credit": activity.credit,
		"strategic": activity.strategic,
		"sales": activity.sales,
		"profit": activity.profit,
		"purchases": activity.purchases,
		"days_since_last": last if last is not None else NEVER_DAYS,
	}
	return round(min(100.0, max(0.0, formulas.evaluate(expression, values))), 2)


def grade_for(score: float, tiers: Sequence[Tier]) -> str:
	"""The highest tier whose minimum the score reaches; the lowest tier otherwise."""
	ordered = sorted(tiers, key=lambda t: (-t.min_score, t.rank))
	for tier in ordered:
		if score >= tier.min_score:
			return tier.name
	return ordered[-1].name


def is_downgrade(old: str | None, new: str | None, tiers: Sequence[Tier]) -> bool:
	rank = {t.name: t.rank for t in tiers}
	if not old or not new or old not in rank or new not in rank:
		return False
	return rank[new] > rank[old]


def grade_customers(
	activities: Iterable[Activity], config: GradingConfig, tiers: Sequence[Tier], today: date
) -> list[GradeResult]:
	"""Grade every customer given; the one entry point the shell calls, for one or for all.

	A customer whose formula cannot be evaluated (or all of them, when the stored formula does not
	even parse) keeps its grade and score; its result carries the FormulaError code in `error`."""
	activities = list(activities)
	validate_config(config, tiers, parse_formula=False)
	all_scores = rfm_scores(activities, config, today)
	parsed, parse_error = None, None
	if config.formula:
		try:
			parsed = formulas.parse(config.formula, FORMULA_VARIABLES)
		except formulas.FormulaError as e:
			parse_error = e.code
	results = []
	for a in activities:
		scores = all_scores[a.customer]
		error = parse_error
		if parsed is not None:
			try:
				score = formula_score(parsed, scores, a, today)
			except formulas.FormulaError as e:
				error = e.code
		elif not error:
			score = composite_score(scores, {"credit": a.credit, "strategic": a.strategic}, config.weights)
		if error:
			results.append(GradeResult(a.customer, scores, a.score, a.grade, error))
		else:
			results.append(GradeResult(a.customer, scores, score, grade_for(score, tiers)))
	return results
