"""The arithmetic of the performance reports (业绩考核): rates, rankings, Pareto of causes,
grade migration, age bands and churn risk. The reports count in SQL; this module decides."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date


def rate(part: float | None, whole: float | None, digits: int = 1) -> float | None:
	"""part / whole as a percentage, None when there is nothing to divide by."""
	if not whole:
		return None
	return round(100.0 * (part or 0) / whole, digits)


def rank(rows: Sequence[Mapping], key: str, descending: bool = True) -> list[int]:
	"""Competition ranking (1, 2, 2, 4) of rows by a value; rows without a value rank last together."""
	values = [row.get(key) for row in rows]
	present = sorted({v for v in values if v is not None}, reverse=descending)
	ranks_of: dict = {}
	position = 1
	for v in present:
		ranks_of[v] = position
		position += sum(1 for x in values if x == v)
	return [ranks_of[v] if v is not None else position for v in values]


def pareto(counts: Mapping[str, int], vital_share: float = 80.0) -> list[dict]:
	"""Causes from the most frequent down, with their share and the cumulative share; the "vital few"
	are the causes up to and including the one that brings the cumulative share to vital_share."""
	total = sum(counts.values())
	rows, cumulative, reached = [], 0, False
	for cause, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
		cumulative += count
		share = rate(count, total) or 0.0
		cumulative_share = rate(cumulative, total) or 0.0
		rows.append(
			{
				"cause": cause,
				"count": count,
				"share": share,
				"cumulative": cumulative_share,
				"vital": not reached,
			}
		)
		reached = reached or cumulative_share >= vital_share
	return rows


def migration_matrix(
	before: Mapping[str, str | None], after: Mapping[str, str | None], grades: Sequence[str]
) -> dict[str, dict[str, int]]:
	"""How many customers moved from each grade (rows) to each grade (columns) between two dates.

	Customers without a grade at a date count under "" (not graded yet / no longer)."""
	labels = [*grades, ""]
	matrix = {g: dict.fromkeys(labels, 0) for g in labels}
	for customer in set(before) | set(after):
		src, dst = before.get(customer) or "", after.get(customer) or ""
		matrix.setdefault(src, dict.fromkeys(labels, 0))
		matrix[src][dst] = matrix[src].get(dst, 0) + 1
	return matrix


AGE_BANDS = (
	(0, 1, "Under 1 year"),
	(1, 3, "1-3 years"),
	(3, 5, "3-5 years"),
	(5, 10, "5-10 years"),
	(10, None, "10 years or more"),
)


def age_band(since: date | None, today: date) -> str:
	"""The band of a customer's relationship age (from the start of cooperation or creation)."""
	if since is None:
		return "Unknown"
	years = (today - since).days / 365.25
	for low, high, label in AGE_BANDS:
		if years >= low and (high is None or years < high):
			return label
	return AGE_BANDS[0][2]


def churn_risk(
	days_since_purchase: int | None,
	days_threshold: int,
	recency_drop: int = 0,
	downgraded: bool = False,
	open_complaints: int = 0,
	unhappy_surveys: int = 0,
) -> tuple[int, list[str]]:
	"""A 0-100 risk score and its reasons: long without a purchase, falling recency score, a
	downgrade, open complaints, unhappy survey answers."""
	score, reasons = 0, []
	if days_since_purchase is None or days_since_purchase > days_threshold:
		score += 40
		reasons.append("no_recent_purchase")
	if recency_drop > 0:
		score += min(20, 10 * recency_drop)
		reasons.append("recency_falling")
	if downgraded:
		score += 15
		reasons.append("downgraded")
	if open_complaints:
		score += min(15, 5 * open_complaints)
		reasons.append("open_complaints")
	if unhappy_surveys:
		score += 10
		reasons.append("unhappy_survey")
	return min(100, score), reasons


def totals(rows: Iterable[Mapping], keys: Sequence[str]) -> dict[str, float]:
	result = dict.fromkeys(keys, 0.0)
	for row in rows:
		for k in keys:
			result[k] += float(row.get(k) or 0)
	return result
