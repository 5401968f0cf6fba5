"""Satisfaction surveys (满意度调查): answers, scores (average, CSAT, NPS), unhappy answers,
stratified random samples of customers, invitation tokens, submission limits and campaign progress.

Plain values in and out; errors are codes the Frappe shell translates. Rounding, everywhere:
averages to 2 decimals, percentages (CSAT, rates) and NPS to 1 decimal, half away from zero
(4.125 -> 4.13, 12.25 -> 12.3, -12.25 -> -12.3); nothing to round gives None, never an error."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

# The five levels of seed 000 (高度满意 5 ... 极不满意 1): English here, Chinese from the catalogue.
SATISFACTION_LEVELS = (
	(5, "Very satisfied"),
	(4, "Satisfied"),
	(3, "No opinion"),
	(2, "Somewhat dissatisfied"),
	(1, "Very dissatisfied"),
)
QUESTION_TYPES = ("Satisfaction", "NPS", "Rating", "Single Choice", "Multiple Choice", "Text")
NUMERIC_TYPES = ("Satisfaction", "NPS", "Rating")
ERROR_CODES = ("required", "not_a_number", "out_of_range", "unknown_option", "too_long", "not_text")
MAX_TEXT = 2000
DEFAULT_MAX_RATING = 5


def _round(value: float | Fraction | None, digits: int) -> float | None:
	"""Half away from zero (not Python's half-to-even), on the decimal value."""
	if value is None:
		return None
	if isinstance(value, Fraction):
		exact = Decimal(value.numerator) / Decimal(value.denominator)
	else:
		exact = Decimal(repr(float(value)))
	return float(exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def _percent(part: int, whole: int) -> float | None:
	return _round(Fraction(100 * part, whole), 1) if whole else None


# Questions and answers


def options_of(question: Mapping) -> list[str]:
	"""The choices of a question: a list, or one per line as a Small Text field holds them."""
	raw = question.get("options") or []
	if isinstance(raw, str):
		raw = raw.split("\n")
	return [str(o).strip() for o in raw if o is not None and str(o).strip()]


def max_rating(question: Mapping) -> int:
	"""The top of a rating scale (1..max); missing or below 2 means the default 5."""
	try:
		top = int(question.get("max_rating") or 0)
	except (TypeError, ValueError):
		top = 0
	return top if top >= 2 else DEFAULT_MAX_RATING


def weight_of(question: Mapping) -> Fraction:
	"""A question's weight in the average (exact, as typed): missing counts as 1, zero or less leaves
	the question out of the average (it still counts for CSAT and the unhappy rule)."""
	raw = question.get("weight")
	if raw is None or raw == "":
		return Fraction(1)
	try:
		weight = float(raw)
	except (TypeError, ValueError):
		return Fraction(1)
	return Fraction(repr(weight)) if math.isfinite(weight) and weight > 0 else Fraction(0)


def _is_blank(raw: object) -> bool:
	if raw is None:
		return True
	if isinstance(raw, str):
		return not raw.strip()
	if isinstance(raw, list | tuple):
		return all(_is_blank(v) for v in raw)
	return False


def normalize_answer(question: Mapping, raw: object) -> tuple[object, str | None]:
	"""(typed value or None, error code or None) of one raw answer from a web form or an agent."""
	kind = question.get("type")
	if _is_blank(raw):
		return None, ("required" if question.get("required") else None)
	if kind in NUMERIC_TYPES:
		if isinstance(raw, bool):
			return None, "not_a_number"
		try:
			value = float(raw.strip() if isinstance(raw, str) else raw)
		except (TypeError, ValueError):
			return None, "not_a_number"
		if not math.isfinite(value) or value != int(value):
			return None, "not_a_number"
		low, high = {"Satisfaction": (1, 5), "NPS": (0, 10)}.get(kind, (1, max_rating(question)))
		return (int(value), None) if low <= value <= high else (None, "out_of_range")
	if kind == "Single Choice":
		if isinstance(raw, list | tuple):
			picked = [str(v).strip() for v in raw if not _is_blank(v)]
			if len(picked) != 1:
				return None, "unknown_option"
			raw = picked[0]
		value = str(raw).strip()
		return (value, None) if value in options_of(question) else (None, "unknown_option")
	if kind == "Multiple Choice":
		values = raw if isinstance(raw, list | tuple) else str(raw).split("\n")
		picked = list(dict.fromkeys(str(v).strip() for v in values if not _is_blank(v)))
		allowed = options_of(question)
		return (picked, None) if all(v in allowed for v in picked) else (None, "unknown_option")
	if not isinstance(raw, str):
		# Text, and any type this module does not know: a list or an object would be stored as its repr.
		return None, "not_text"
	value = raw.strip()
	return (value, None) if len(value) <= MAX_TEXT else (None, "too_long")


def normalize_answers(questions: Sequence[Mapping], answers: Mapping) -> dict:
	"""Typed answers by question id: the valid, non-blank ones (ints, option strings, lists, text)."""
	return validate_answers(questions, answers)[0]


def validate_answers(questions: Sequence[Mapping], answers: Mapping) -> tuple[dict, dict[str, str]]:
	"""(typed answers by question id, error codes by question id) in one pass.
	Answers to ids that are not questions are ignored."""
	typed, errors = {}, {}
	answers = answers or {}
	for q in questions:
		value, error = normalize_answer(q, answers.get(q["id"]))
		if error:
			errors[q["id"]] = error
		elif value is not None:
			typed[q["id"]] = value
	return typed, errors


# Scores


def nps_category(score: int) -> str:
	"""promoter (9-10), passive (7-8) or detractor (0-6)."""
	return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def on_five_point_scale(question: Mapping, value: int) -> Fraction | None:
	"""A satisfaction answer as is, a rating 1..max mapped linearly onto 1-5 (exact); None otherwise."""
	if question.get("type") == "Satisfaction":
		return Fraction(value)
	if question.get("type") == "Rating":
		return 1 + Fraction(4 * (value - 1), max_rating(question) - 1)
	return None


def _weighted_average(questions: Sequence[Mapping], typed: Mapping) -> Fraction | None:
	weighted, weights = Fraction(0), Fraction(0)
	for q in questions:
		value = typed.get(q["id"])
		scaled = on_five_point_scale(q, value) if value is not None else None
		if scaled is not None:
			weighted, weights = weighted + scaled * weight_of(q), weights + weight_of(q)
	return weighted / weights if weights else None


def response_scores(questions: Sequence[Mapping], typed: Mapping) -> dict:
	"""Scores of one response (typed answers, as from normalize_answers):
	average: weighted mean of satisfaction and rating answers on the 1-5 scale (None without any);
	csat: % of this response's satisfaction answers that are 4 or 5 (None without any);
	satisfied / satisfaction_answers: the counts behind csat (unweighted);
	nps_score, nps_category: the first NPS answer, if any."""
	satisfied, satisfaction_answers, nps = 0, 0, None
	for q in questions:
		value = typed.get(q["id"])
		if value is None:
			continue
		if q["type"] == "Satisfaction":
			satisfaction_answers += 1
			satisfied += value >= 4
		elif q["type"] == "NPS" and nps is None:
			nps = value
	return {
		"average": _round(_weighted_average(questions, typed), 2),
		"csat": _percent(satisfied, satisfaction_answers),
		"satisfied": satisfied,
		"satisfaction_answers": satisfaction_answers,
		"nps_score": nps,
		"nps_category": nps_category(nps) if nps is not None else None,
	}


def unhappy_reasons(
	questions: Sequence[Mapping], typed: Mapping, threshold: float = 2, nps_detractor: bool = True
) -> list[tuple[str, str, int]]:
	"""Why a response calls for a follow-up, in question order (empty: it does not):
	("low_score", id, value) for a satisfaction or rating answer at or below threshold on the 1-5 scale
	(0 turns this off); ("nps_detractor", id, value) for an NPS answer 0-6 when nps_detractor."""
	reasons = []
	for q in questions:
		value = typed.get(q["id"])
		if value is None:
			continue
		scaled = on_five_point_scale(q, value)
		if scaled is not None and scaled <= threshold:
			reasons.append(("low_score", q["id"], value))
		elif q["type"] == "NPS" and nps_detractor and value <= 6:
			reasons.append(("nps_detractor", q["id"], value))
	return reasons


# Sampling


def sample_size(population: int, size: int | None = None, percentage: float | None = None) -> int:
	"""How many to sample: size if given, else percentage of the population rounded half up (at least 1
	when both are positive), else everyone; never more than the population nor less than 0."""
	if size is None and percentage is not None:
		share = Decimal(repr(float(percentage))) * population / 100
		size = int(share.to_integral_value(rounding=ROUND_HALF_UP))
		if population > 0 and percentage > 0:
			size = max(size, 1)
	if size is None:
		return population
	return max(0, min(int(size), population))


def allocate(strata_sizes: Mapping[str, int], total: int, floors: Mapping[str, int] | None = None) -> dict:
	"""How many to draw from each stratum so the counts add up to total: proportional to the stratum's
	size by largest remainder (ties to the first key in sorted order), with each stratum raised to its
	floor (capped at its size) and the others sharing what is left proportionally. When the floors alone
	exceed total, the floors win."""
	keys = sorted(k for k, n in strata_sizes.items() if n > 0)
	floors = {k: min(max(0, int((floors or {}).get(k, 0))), strata_sizes[k]) for k in keys}
	total = max(0, min(total, sum(strata_sizes[k] for k in keys)))
	if sum(floors.values()) >= total:
		return {k: floors[k] for k in keys}
	fixed: dict[str, int] = {}
	while True:
		free = [k for k in keys if k not in fixed]
		rest, pool = total - sum(fixed.values()), sum(strata_sizes[k] for k in free)
		quotas = {k: Fraction(rest * strata_sizes[k], pool) for k in free}
		raised = [k for k in free if floors[k] > quotas[k]]
		if not raised:
			break
		fixed.update({k: floors[k] for k in raised})
	counts = {k: math.floor(quotas[k]) for k in free}
	by_remainder = sorted(free, key=lambda k: (-(quotas[k] - counts[k]), k))
	for k in by_remainder[: rest - sum(counts.values())]:
		counts[k] += 1
	return {k: fixed.get(k, counts.get(k, 0)) for k in keys}


def sample_customers(
	customers: Iterable[Mapping],
	size: int | None = None,
	percentage: float | None = None,
	seed: int | str = 0,
	stratify_by: str | None = "grade",
	min_per_stratum: Mapping[str, int] | None = None,
) -> list[str]:
	"""Names of a reproducible, proportionally stratified random sample of customers, sorted.

	customers: dicts with "name" and the stratify_by key (blank values form the stratum "").
	size wins over percentage (see sample_size); neither means everyone. Strata get their share by
	largest remainder, so the total is exact; every non-empty stratum gets at least one when the size
	allows it; min_per_stratum (stratum -> count, replacing that floor of one) raises a stratum, e.g.
	{"Key": 10**6} takes every key customer, the others share the rest of the size.
	The same seed and customers in any order give the same sample (random.Random(seed) over the
	customers sorted by name, strata in sorted order)."""
	stratum_of = (lambda c: str(c.get(stratify_by) or "")) if stratify_by else (lambda c: "")
	# one entry per name (a repeated name keeps its last stratum in sorted order), whatever the input order
	ordered = sorted(customers, key=lambda c: (str(c["name"]), stratum_of(c)))
	population = {str(c["name"]): stratum_of(c) for c in ordered}
	total = sample_size(len(population), size, percentage)
	strata: dict[str, list[str]] = {}
	for name, key in population.items():
		strata.setdefault(key, []).append(name)
	explicit = {str(k): int(v) for k, v in (min_per_stratum or {}).items() if str(k) in strata}
	left = total - sum(min(v, len(strata[k])) for k, v in explicit.items())
	others = [k for k in strata if k not in explicit]
	floors = {k: 1 for k in others} if others and left >= len(others) else {}
	floors.update(explicit)
	counts = allocate({k: len(v) for k, v in strata.items()}, total, floors)
	rng = random.Random(seed)
	chosen: list[str] = []
	for key in sorted(strata):
		chosen += rng.sample(strata[key], counts.get(key, 0))
	return sorted(chosen)


# Invitations, submissions and campaign progress


# A campaign's progress kept as counters: each change adds its difference (an invitation's status
# moving, a response's answers stored or removed); the figures are computed from the counters, so a
# full recount (the counters of all its invitations and answers) gives them too.

STATUS_COUNTERS = ("invited", "opened", "answered")
ANSWER_COUNTERS = (
	"satisfaction_answers",
	"satisfaction_total",
	"satisfied_answers",
	"nps_answers",
	"nps_promoters",
	"nps_detractors",
)
PROGRESS_COUNTERS = STATUS_COUNTERS + ANSWER_COUNTERS


def status_counts(status: str | None) -> dict[str, int]:
	"""What one invitation in `status` adds to the campaign's counts (None: no invitation): every one is
	invited, an opened or answered one opened, an answered one answered (as a recount groups them)."""
	return {
		"invited": int(bool(status)),
		"opened": int(status in ("Opened", "Answered")),
		"answered": int(status == "Answered"),
	}


def status_change(old: str | None, new: str | None) -> dict[str, int]:
	"""The counts' difference when an invitation moves from `old` to `new` (None: created, deleted)."""
	before, after = status_counts(old), status_counts(new)
	return {key: after[key] - before[key] for key in STATUS_COUNTERS}


def answer_sums(satisfaction_values: Iterable[int], nps_values: Iterable[int]) -> dict[str, int]:
	"""The sums behind a campaign's average, CSAT and NPS, of some answers (one response's, or all)."""
	sat, nps = [int(v) for v in satisfaction_values], [int(v) for v in nps_values]
	return {
		"satisfaction_answers": len(sat),
		"satisfaction_total": sum(sat),
		"satisfied_answers": sum(1 for v in sat if v >= 4),
		"nps_answers": len(nps),
		"nps_promoters": sum(1 for v in nps if v >= 9),
		"nps_detractors": sum(1 for v in nps if v <= 6),
	}


def negated(counts: Mapping[str, int]) -> dict[str, int]:
	return {key: -value for key, value in counts.items()}


def progress_figures(counters: Mapping[str, int]) -> dict:
	"""response_rate, average_score, csat and nps from a campaign's counters (missing ones count 0),
	rounded half away from zero; None where there is nothing to compute."""
	c = {key: int(counters.get(key) or 0) for key in PROGRESS_COUNTERS}
	sat, nps = c["satisfaction_answers"], c["nps_answers"]
	return {
		"response_rate": _percent(c["answered"], c["invited"]),
		"average_score": _round(Fraction(c["satisfaction_total"], sat), 2) if sat else None,
		"csat": _percent(c["satisfied_answers"], sat),
		"nps": _round(Fraction(100 * (c["nps_promoters"] - c["nps_detractors"]), nps), 1) if nps else None,
	}
