"""The customer lifecycle (客户状态), deactivation, and care occasions (客户关怀).

Lifecycle: Potential 潜在 → Target 目标/意向 → First Purchase 初次购买 → Repeat 重复购买 → Loyal 忠诚,
with At Risk and Lost beside them. Purchases move a customer forward on their own; going back or
sideways is a person's decision. Every change is logged with the time spent in the status left.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

STATUSES = ("Potential", "Target", "First Purchase", "Repeat", "Loyal", "At Risk", "Lost")
# The order in which purchases move a customer forward.
FORWARD = ("Potential", "Target", "First Purchase", "Repeat", "Loyal")
ACTIVE_STATUSES = frozenset(STATUSES) - {"Lost"}


@dataclass(frozen=True)
class StatusChange:
	from_status: str | None
	to_status: str
	changed_at: datetime
	days_in_previous_status: float | None


def status_change(
	previous: str | None, previous_since: datetime | None, new: str, now: datetime
) -> StatusChange | None:
	"""The log entry for a change of status; None when the status did not change."""
	if new not in STATUSES:
		raise ValueError(f"unknown status {new!r}")
	if previous == new:
		return None
	days = None
	if previous_since is not None:
		days = round(max(0.0, (now - previous_since).total_seconds()) / 86400, 2)
	return StatusChange(previous, new, now, days)


def status_after_purchases(current: str, purchases: int) -> str:
	"""The status purchases bring a customer to: forward only, never past Repeat by themselves.

	Loyal, At Risk and Lost are decisions of people (or of later rules), so they are left as they are,
	except that a Lost or At Risk customer who buys again is a repeat customer again.
	"""
	if purchases <= 0:
		return current
	if current in ("At Risk", "Lost"):
		return "Repeat" if purchases > 1 else "First Purchase"
	if current == "Loyal":
		return current
	target = "First Purchase" if purchases == 1 else "Repeat"
	if current in FORWARD and FORWARD.index(current) >= FORWARD.index(target):
		return current
	return target


def deletion_blocked(history_counts: dict[str, int]) -> list[str]:
	"""The kinds of history that forbid deleting a customer: deactivate it instead."""
	return sorted(kind for kind, count in history_counts.items() if count)


@dataclass(frozen=True)
class Occasion:
	key: str  # what the occasion belongs to, e.g. the customer or a key person row
	kind: str  # "birthday", "founding_anniversary", "cooperation_anniversary"
	occurs_on: date
	years: int


def anniversary_in_year(original: date, year: int) -> date:
	"""The anniversary of a date in a year; 29 February falls on 28 February in other years."""
	day = min(original.day, calendar.monthrange(year, original.month)[1])
	return date(year, original.month, day)


def upcoming_occasions(
	dates: Iterable[tuple[str, str, date | None]], today: date, days_ahead: int
) -> list[Occasion]:
	"""Birthdays and anniversaries from today to today + days_ahead (inclusive), soonest first.

	`dates` holds (key, kind, original date). Dates in the future or on today itself (a zeroth
	anniversary) are skipped.
	"""
	end = today + timedelta(days=max(0, days_ahead))
	found = []
	for key, kind, original in dates:
		if original is None or original >= today:
			continue
		for year in {today.year, end.year}:
			when = anniversary_in_year(original, year)
			if today <= when <= end and when.year > original.year:
				found.append(Occasion(key, kind, when, when.year - original.year))
	return sorted(found, key=lambda o: (o.occurs_on, o.key, o.kind))
