"""Satisfaction surveys (满意度调查): answers, scores (average, CSAT, NPS), unhappy answers,
stratified random samples of customers, invitation tokens and submission limits."""

from __future__ import annotations

import math
import random
import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

# The five levels of seed 000 (高度满意 5 ... 极不满意 1); English here, Chinese from the catalogue.
SATISFACTION_LEVELS = (
	(5, "Very satisfied"),
	(4, "Satisfied"),
	(3, "No opinion"),
	(2, "Somewhat dissatisfied"),
	(1, "Very dissatisfied"),
)
QUESTION_TYPES = ("Satisfaction", "NPS", "Rating", "Single Choice", "Multiple Choice", "Text")
MAX_TEXT = 2000


def options_of(question: Mapping) -> list[str]:
	raw = question.get("options") or []
	if isinstance(raw, str):
		raw = raw.split("\n")
	return [o.strip() for o in raw if o and o.strip()]


def normalize_answer(question: Mapping, raw) -> tuple[object, str | None]:
	"""(typed value or None, error code or None) of one raw answer from a form or an agent."""
	kind = question.get("type")
	if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
		return None, ("required" if question.get("required") else None)
	if kind in ("Satisfaction", "NPS", "Rating"):
		try:
			value = float(raw)
		except (TypeError, ValueError):
			return None, "not_a_number"
		if not math.isfinite(value) or value != int(value):
			return None, "not_a_number"
		low, high = {"Satisfaction": (1, 5), "NPS": (0, 10)}.get(
			kind, (1, int(question.get("max_rating") or 5))
		)
		return (int(value), None) if low <= value <= high else (None, "out_of_range")
	if kind == "Single Choice":
		value = str(raw).strip()
		return (value, None) if value in options_of(question) else (None, "unknown_option")
	if kind == "Multiple Choice":
		values = raw if isinstance(raw, list | tuple) else str(raw).split("\n")
		values = [str(v).strip() for v in values if str(v).strip()]
		if any(v not in options_of(question) for v in values):
			return None, "unknown_option"
		return values, None
	value = str(raw).strip()
	return (value, None) if len(value) <= MAX_TEXT else (None, "too_long")


def validate_answers(questions: Sequence[Mapping], answers: Mapping) -> tuple[dict, dict]:
	"""(typed answers by question id, error codes by question id)."""
	typed, errors = {}, {}
	for q in questions:
		value, error = normalize_answer(q, answers.get(q["id"]))
		if error:
			errors[q["id"]] = error
		elif value is not None:
			typed[q["id"]] = value
	return typed, errors


def nps_category(score: int) -> str:
	return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def response_scores(questions: Sequence[Mapping], typed: Mapping) -> dict:
	"""Average (weighted, 1-5 scale) of satisfaction and rating answers, CSAT share, NPS answer."""
	weighted, weights, satisfied, satisfaction_answers, nps = 0.0, 0.0, 0, 0, None
	for q in questions:
		value = typed.get(q["id"])
		if value is None:
			continue
		weight = float(q.get("weight") or 1)
		if q["type"] == "Satisfaction":
			weighted, weights = weighted + value * weight, weights + weight
			satisfaction_answers += 1
			satisfied += value >= 4
		elif q["type"] == "Rating":
			top = int(q.get("max_rating") or 5)
			scaled = 1 + (value - 1) * 4 / (top - 1) if top > 1 else 5
			weighted, weights = weighted + scaled * weight, weights + weight
		elif q["type"] == "NPS" and nps is None:
			nps = value
	return {
		"average": round(weighted / weights, 2) if weights else None,
		"csat": round(100 * satisfied / satisfaction_answers, 1) if satisfaction_answers else None,
		"nps_score": nps,
		"nps_category": nps_category(nps) if nps is not None else None,
	}


def aggregate(satisfaction_values: Iterable[int], nps_values: Iterable[int]) -> dict:
	"""CSAT % (share of answers 4-5) and NPS (% promoters 9-10 minus % detractors 0-6)."""
	sat, nps = list(satisfaction_values), list(nps_values)
	promoters = sum(1 for v in nps if v >= 9)
	detractors = sum(1 for v in nps if v <= 6)
	return {
		"answers": len(sat),
		"average": round(sum(sat) / len(sat), 2) if sat else None,
		"csat": round(100 * sum(1 for v in sat if v >= 4) / len(sat), 1) if sat else None,
		"nps_answers": len(nps),
		"nps": round(100 * (promoters - detractors) / len(nps), 1) if nps else None,
	}


def unhappy_reasons(
	questions: Sequence[Mapping], typed: Mapping, threshold: int = 2, nps_detractor: bool = True
) -> list[tuple]:
	"""Answers that call for a follow-up: a satisfaction or rating at or below the threshold (0: never),
	an NPS detractor (when nps_detractor)."""
	reasons = []
	for q in questions:
		value = typed.get(q["id"])
		if value is None:
			continue
		if q["type"] in ("Satisfaction", "Rating") and value <= threshold:
			reasons.append(("low_score", q["id"], value))
		elif q["type"] == "NPS" and nps_detractor and value <= 6:
			reasons.append(("nps_detractor", q["id"], value))
	return reasons


def sample(
	customers: Sequence[Mapping],
	size: int | None = None,
	percentage: float | None = None,
	seed: int = 0,
	stratify_by: str | None = "grade",
) -> list[str]:
	"""A reproducible random sample of customer names, stratified by a key (seed 000: key customers
	are sampled at random). The same seed and customers (in any order) give the same sample; strata
	get shares by largest remainder, at least one each when the size allows."""
	population = sorted(customers, key=lambda c: c["name"])
	n = len(population)
	if percentage is not None and size is None:
		size = max(1, math.floor(n * percentage / 100 + 0.5)) if n and percentage > 0 else 0
	if size is None or size >= n:
		return [c["name"] for c in population]
	if size <= 0:
		return []
	rng = random.Random(seed)
	strata: dict[str, list[str]] = {}
	for c in population:
		strata.setdefault(str(c.get(stratify_by) or "") if stratify_by else "", []).append(c["name"])
	keys = sorted(strata)
	quotas = {k: size * len(strata[k]) / n for k in keys}
	alloc = {k: int(quotas[k]) for k in keys}
	if size >= len(keys):
		for k in keys:
			alloc[k] = max(alloc[k], 1)
	while sum(alloc.values()) > size:
		k = max((k for k in keys if alloc[k] > 1), key=lambda k: (alloc[k] - quotas[k], k))
		alloc[k] -= 1
	for k in sorted(keys, key=lambda k: (-(quotas[k] - int(quotas[k])), k)):
		if sum(alloc.values()) >= size:
			break
		if alloc[k] < len(strata[k]):
			alloc[k] += 1
	chosen = []
	for k in keys:
		chosen += rng.sample(strata[k], min(alloc[k], len(strata[k])))
	return sorted(chosen)


def new_token() -> str:
	return secrets.token_urlsafe(32)


def token_state(expires_at: datetime | None, answered_at: datetime | None, now: datetime) -> str:
	if answered_at is not None:
		return "used"
	if expires_at is not None and now > expires_at:
		return "expired"
	return "valid"


def allow_submission(
	attempts: Iterable[datetime], now: datetime, limit: int = 5, window_seconds: int = 600
) -> bool:
	since = now - timedelta(seconds=window_seconds)
	return sum(1 for t in attempts if t > since) < limit


def progress(invited: int, opened: int, answered: int) -> dict:
	return {
		"invited": invited,
		"opened": opened,
		"answered": answered,
		"open_rate": round(100 * opened / invited, 1) if invited else None,
		"response_rate": round(100 * answered / invited, 1) if invited else None,
	}
