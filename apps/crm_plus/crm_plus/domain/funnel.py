"""The sales funnel's arithmetic (issue 15): rows per stage, stage-to-stage conversion, weighted pipeline,
lost reason shares, win rate and inactive staff. The shell gathers the numbers with one GROUP BY per
section and hands them here.

Conversion: an opportunity *reached* an open stage when its stage log shows it entered that stage or any
later one (a won stage lies beyond every open stage; a lost stage is reached by no one on the way, so a
deal lost in Proposal reached Proposal and the stages before it). Of those that reached stage k, the
conversion is the share that reached the next open stage (or the won stage after the last open one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from crm_plus.domain.performance import rate
from crm_plus.domain.sales import Stage, probability_for_stage


def funnel_stages(stages: Iterable[Stage]) -> list[Stage]:
	"""The stages in funnel order: open stages by order, then won, then lost ones."""
	return sorted(stages, key=lambda s: (s.is_lost, s.is_won, s.order, s.name))


def weighted(amount: float | None, stage: Stage) -> float:
	"""Expected amount times the stage's probability (won: the whole amount, lost: nothing)."""
	return round((amount or 0) * probability_for_stage(stage) / 100.0, 2)


def reached_counts(stages: list[Stage], furthest: Mapping[int, int]) -> dict[str, int]:
	"""How many opportunities reached each stage that is not a lost stage, from the number whose
	furthest stage (by order, lost stages left out) was each order: those that got further count too."""
	out = {}
	for stage in stages:
		if stage.is_lost:
			continue
		out[stage.name] = sum(
			n for order, n in furthest.items() if order is not None and order >= stage.order
		)
	return out


def funnel_rows(
	stages: Iterable[Stage],
	current: Mapping[str, tuple[int, float]],
	furthest: Mapping[int, int],
	days: Mapping[str, tuple[float, int]],
) -> list[dict]:
	"""One row per stage in funnel order.

	current: stage -> (opportunities now in it, their expected amount);
	furthest: stage order -> opportunities whose furthest stage reached had that order;
	days: stage -> (days spent in it by the stays that ended, number of such stays).
	"""
	ordered = funnel_stages(stages)
	reached = reached_counts(ordered, furthest)
	path = [s for s in ordered if not s.is_lost]
	rows = []
	for stage in ordered:
		count, amount = current.get(stage.name, (0, 0.0))
		total_days, stays = days.get(stage.name, (0.0, 0))
		row = {
			"stage": stage.name,
			"probability": probability_for_stage(stage),
			"count": int(count or 0),
			"amount": round(float(amount or 0), 2),
			"weighted": weighted(amount, stage),
			"reached": reached.get(stage.name),
			"conversion": None,
			"average_days": round(total_days / stays, 1) if stays else None,
		}
		if stage in path and not stage.terminal:
			following = path[path.index(stage) + 1] if path.index(stage) + 1 < len(path) else None
			if following is not None:
				row["conversion"] = rate(reached[following.name], reached[stage.name])
		rows.append(row)
	return rows


def shares(rows: list[dict], key: str, share_key: str) -> list[dict]:
	"""Adds each row's share of the total of `key`, in percent (None when the total is zero)."""
	total = sum(r.get(key) or 0 for r in rows)
	for r in rows:
		r[share_key] = rate(r.get(key) or 0, total)
	return rows


def win_rate(won: int | None, lost: int | None) -> float | None:
	"""Won / (won + lost), in percent; None when nothing was closed."""
	return rate(won or 0, (won or 0) + (lost or 0))


def days_inactive(last_seen: datetime | None, now: datetime) -> int | None:
	"""Whole days since the user was last seen; None when never."""
	if last_seen is None:
		return None
	return max(0, (now - last_seen).days)


def inactivity_days_error(days) -> str | None:
	"""The report's N: a whole number of days between 1 and 3650."""
	try:
		value = int(days)
	except (TypeError, ValueError):
		return "not_a_number"
	if not 1 <= value <= 3650:
		return "out_of_range"
	return None
