"""Customer grading (客户分级): RFM and profit scores, a composite score and the grade pyramid.

A customer's activity over a window (purchases, net sales, gross profit, last purchase date) gets
four scores from 1 to 5: recency, frequency, monetary and profit. Scores come from fixed limits
set by an admin, or from quantiles of the whole customer base. The weighted scores, together with
optional manual factors (credit standing, strategic value, 1-5 each), give a score from 0 to 100,
or an admin's formula does; the score maps to the highest tier whose minimum it reaches (VIP, Key,
Ordinary, Small by default: the pyramid of seed 001).
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


class GradingConfigError(ValueError):
	def __init__(self, code: str, detail: str = ""):
		super().__init__(f"{code}: {detail}" if detail else code)
		self.code = code
		self.detail = detail


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


@dataclass(frozen=True)
class GradeResult:
	customer: str
	scores: dict[str, int]
	score: float
	grade: str


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


def validate_config(config: GradingConfig, tiers: Sequence[Tier]) -> None:
	"""Raise GradingConfigError for settings that cannot grade anybody sensibly."""
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
	if config.formula:
		try:
			formulas.parse(config.formula, FORMULA_VARIABLES)
		except formulas.FormulaError as e:
			raise GradingConfigError("bad_formula", e.code + (f" ({e.detail})" if e.detail else "")) from None
	if not tiers:
		raise GradingConfigError("no_tiers")
	if len({t.name for t in tiers}) != len(tiers):
		raise GradingConfigError("duplicate_tier")
	if any(not 0 <= t.min_score <= 100 for t in tiers):
		raise GradingConfigError("tier_score_out_of_range")


def score_upward(value: float, limits: Sequence[float]) -> int:
	"""1 plus the number of limits the value reaches: more is better (frequency, money, profit)."""
	return 1 + sum(1 for limit in limits if value >= limit)


def score_recency(days_since_last: float | None, limits: Sequence[float]) -> int:
	"""5 when the last purchase is within the first limit, down to 1 beyond the last or never."""
	if days_since_last is None:
		return 1
	return 5 - sum(1 for limit in limits if days_since_last > limit)


def quantile_scores(values: dict[str, float]) -> dict[str, int]:
	"""Scores 1-5 by rank: the share of customers with a strictly smaller value, in fifths.

	Equal values get equal scores, and a larger value never gets a smaller score.
	"""
	if not values:
		return {}
	ordered = sorted(values.values())
	n = len(ordered)
	below: dict[float, int] = {}
	for idx, v in enumerate(ordered):
		below.setdefault(v, idx)
	scores = {}
	for key, v in values.items():
		scores[key] = 1 + min(4, (below[v] * 5) // n)
	return scores


def days_since(last: date | None, today: date) -> int | None:
	return None if last is None else max(0, (today - last).days)


def rfm_scores(activities: Sequence[Activity], config: GradingConfig, today: date) -> dict[str, dict]:
	"""The r, f, m, p scores of every customer, by the configured method."""
	if config.method == "quantile":
		# Recency: fewer days is better; customers who never bought rank below everyone.
		recency = {
			a.customer: -(days_since(a.last_purchase, today) if a.last_purchase else 10**9)
			for a in activities
		}
		r = quantile_scores(recency)
		f = quantile_scores({a.customer: a.purchases for a in activities})
		m = quantile_scores({a.customer: a.sales for a in activities})
		p = quantile_scores({a.customer: a.profit for a in activities})
		return {
			a.customer: {"r": r[a.customer], "f": f[a.customer], "m": m[a.customer], "p": p[a.customer]}
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
		"days_since_last": last if last is not None else 9999,
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
	"""Grade every customer given; the one entry point the shell calls, for one or for all."""
	activities = list(activities)
	validate_config(config, tiers)
	all_scores = rfm_scores(activities, config, today)
	parsed = formulas.parse(config.formula, FORMULA_VARIABLES) if config.formula else None
	results = []
	for a in activities:
		scores = all_scores[a.customer]
		if parsed is not None:
			score = formula_score(parsed, scores, a, today)
		else:
			score = composite_score(scores, {"credit": a.credit, "strategic": a.strategic}, config.weights)
		results.append(GradeResult(a.customer, scores, score, grade_for(score, tiers)))
	return results
