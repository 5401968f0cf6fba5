"""Service levels of complaints (MISSION section 6): working-time deadlines across working hours,
holidays, make-up working days (调休) and pauses; the SLA state of one target; the choice of a policy.

Times are naive datetimes in the site's time zone; nothing here reads the clock. A deadline lands
exactly where the working time runs out (12:00 at the end of a morning, not 13:00 after lunch), and
adding zero minutes returns the start itself, so adding a then b equals adding a + b.
States are plain strings (stored as they are in `CRM Complaint.sla_status`); the shell translates them.
The escalation ladder lives in `escalation.py`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

MAX_IDLE_DAYS = 366 * 2  # no working time for this long: the calendar is refused
# Seed 002: queries answered within 10 minutes; complaints resolved within half a working day.
# Complaint statuses whose clock runs (or is paused): the SLA job reads them, a transfer moves them.
OPEN_STATUSES = ("New", "Acknowledged", "In Progress", "Waiting on Customer", "Reopened")
# A complaint in one of these is done: its resolution clock stopped (reopening starts it again).
DONE_STATUSES = ("Resolved", "Closed")

DEFAULT_RESPONSE_MINUTES = 10
DEFAULT_RESOLUTION_MINUTES = 240
DEFAULT_AT_RISK_SHARE = 0.75  # the SLA policy's at_risk_percent default (75) and the value when unset


ON_TRACK, AT_RISK, BREACHED, MET, PAUSED = "On Track", "At Risk", "Breached", "Met", "Paused"
STATES = (ON_TRACK, AT_RISK, BREACHED, MET, PAUSED)

Interval = tuple[time, time]
_DAY, _WEEK, _MIDNIGHT = timedelta(days=1), timedelta(days=7), timedelta(days=1)


def at_risk_share(percent: float | None) -> float:
	"""An SLA policy's `at_risk_percent` as a share of the target time; unset (or 0) is the default."""
	return float(percent) / 100 if percent else DEFAULT_AT_RISK_SHARE


def _offset(t: time) -> timedelta:
	return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


def _merge(intervals: Iterable[Interval]) -> tuple[tuple[timedelta, timedelta], ...]:
	"""Offsets from midnight, sorted, overlaps merged; an end of 00:00 means midnight, empty spans dropped."""
	spans = sorted((_offset(s), _MIDNIGHT if e == time(0) else _offset(e)) for s, e in intervals)
	merged: list[list[timedelta]] = []
	for begin, end in spans:
		if end <= begin:
			continue
		if merged and begin <= merged[-1][1]:
			merged[-1][1] = max(merged[-1][1], end)
		else:
			merged.append([begin, end])
	return tuple((b, e) for b, e in merged)


@dataclass(frozen=True)
class WorkingCalendar:
	"""When the service desk works: intervals per weekday (0 = Monday), holidays (never worked, even
	when also listed as make-up days), and make-up working days mapped to the weekday whose hours apply."""

	hours: Mapping[int, Sequence[Interval]]
	holidays: frozenset[date] = frozenset()
	makeup_days: Mapping[date, int] = field(default_factory=dict)
	_week: tuple = field(init=False, repr=False, compare=False)
	_week_total: timedelta = field(init=False, repr=False, compare=False)
	_special: tuple[date, ...] = field(init=False, repr=False, compare=False)

	def __post_init__(self) -> None:
		week = tuple(_merge(self.hours.get(d, ())) for d in range(7))
		object.__setattr__(self, "holidays", frozenset(self.holidays))
		object.__setattr__(self, "_week", week)
		object.__setattr__(self, "_week_total", sum((e - b for day in week for b, e in day), timedelta()))
		object.__setattr__(self, "_special", tuple(sorted(set(self.holidays) | set(self.makeup_days))))

	def intervals(self, day: date) -> list[tuple[datetime, datetime]]:
		"""The working intervals of one date, in order."""
		if day in self.holidays:
			return []
		midnight = datetime.combine(day, time(0))
		weekday = self.makeup_days.get(day, day.weekday())
		return [(midnight + b, midnight + e) for b, e in self._week[weekday]]

	def weeks_without_exceptions(self, day: date) -> int | None:
		"""Whole weeks from `day` with no holiday or make-up day in them (None: no exception ahead)."""
		i = bisect_left(self._special, day)
		return None if i == len(self._special) else (self._special[i] - day).days // 7


def default_calendar(
	holidays: Iterable[date] = (), makeup_days: Mapping[date, int] | None = None
) -> WorkingCalendar:
	"""Monday to Friday, 09:00-12:00 and 13:00-18:00 (8 working hours)."""
	day = [(time(9), time(12)), (time(13), time(18))]
	return WorkingCalendar({d: day for d in range(5)}, frozenset(holidays), dict(makeup_days or {}))


def working_day_minutes(calendar: WorkingCalendar, weekday: int = 0) -> float:
	"""Working minutes of a standard day (Monday unless told): half of it is the seed's resolution target."""
	return sum((e - b for b, e in calendar._week[weekday]), timedelta()).total_seconds() / 60


# ---------------------------------------------------------------- working time


def _add(calendar: WorkingCalendar, start: datetime, remaining: timedelta) -> datetime:
	if remaining <= timedelta():
		return start
	day, idle = start.date(), 0
	while True:
		if day > start.date() and calendar._week_total:
			# Whole weeks without exceptions are skipped at once; at least a moment is left for the loop.
			weeks = (remaining - timedelta.resolution) // calendar._week_total
			free = calendar.weeks_without_exceptions(day)
			weeks = weeks if free is None else min(weeks, free)
			if weeks > 0:
				day += weeks * _WEEK
				remaining -= weeks * calendar._week_total
				continue
		worked = False
		for begin, end in calendar.intervals(day):
			begin = max(begin, start)
			if end <= begin:
				continue
			worked = True
			if end - begin >= remaining:
				return begin + remaining
			remaining -= end - begin
		idle = 0 if worked else idle + 1
		if idle > MAX_IDLE_DAYS:
			raise ValueError("no working time within two years")
		day += _DAY


def _working(calendar: WorkingCalendar, start: datetime, end: datetime) -> timedelta:
	total, day, last = timedelta(), start.date(), end.date()
	while day <= last:
		if day > start.date():
			# Whole weeks strictly before the last day and without exceptions count a standard week each.
			weeks = (last - day).days // 7
			free = calendar.weeks_without_exceptions(day)
			weeks = weeks if free is None else min(weeks, free)
			if weeks > 0:
				total += weeks * calendar._week_total
				day += weeks * _WEEK
				continue
		for begin, finish in calendar.intervals(day):
			lo, hi = max(begin, start), min(finish, end)
			if hi > lo:
				total += hi - lo
		day += _DAY
	return total


def add_working_time(calendar: WorkingCalendar, start: datetime, minutes: float) -> datetime:
	"""The moment `minutes` of working time after `start`; outside working hours the clock waits.

	Raises ValueError for negative minutes or when no working time exists for two years.
	"""
	if minutes < 0:
		raise ValueError("minutes must not be negative")
	return _add(calendar, start, timedelta(minutes=minutes))


def working_minutes_between(calendar: WorkingCalendar, start: datetime, end: datetime) -> float:
	"""Working minutes from start to end (0 when end is not after start)."""
	return _working(calendar, start, end).total_seconds() / 60 if end > start else 0.0


def measure_minutes(calendar: WorkingCalendar | None, start: datetime, end: datetime) -> float:
	"""Working minutes with a calendar, wall-clock minutes without; 0 when end is not after start."""
	if end <= start:
		return 0.0
	if calendar is None:
		return (end - start).total_seconds() / 60
	return working_minutes_between(calendar, start, end)


# ---------------------------------------------------------------- deadlines from what a complaint stores


@dataclass(frozen=True)
class Deadline:
	due: datetime | None  # None while the clock is paused
	paused: bool


def deadline(
	calendar: WorkingCalendar,
	start: datetime,
	target_minutes: float,
	paused_minutes: float = 0.0,
	paused_since: datetime | None = None,
) -> Deadline:
	"""The due moment from what a complaint stores: working minutes paused so far and an open pause.

	This is the one pause model: the shell adds a finished pause's working minutes to `paused_minutes`
	(`working_minutes_between` from `paused_since` to its end) and clears `paused_since`. The due
	moment moves by the paused minutes; an open pause stops the clock (no due moment).
	"""
	if paused_since is not None:
		return Deadline(None, True)
	return Deadline(add_working_time(calendar, start, target_minutes + max(0.0, paused_minutes)), False)


# ---------------------------------------------------------------- SLA state


def sla_state(
	due: datetime | None,
	done_at: datetime | None,
	now: datetime,
	started: datetime,
	at_risk_share: float = DEFAULT_AT_RISK_SHARE,
	calendar: WorkingCalendar | None = None,
	*,
	paused_minutes: float = 0.0,
) -> tuple[str, float]:
	"""(state, breach minutes) of one target due at `due`.

	Done by the due moment: MET; done after it, or still open past it: BREACHED by the working minutes
	(wall minutes without a calendar) from due to done/now, to 0.1. Open and not yet due: AT_RISK once
	the elapsed share of the target reaches `at_risk_share`, else ON_TRACK; `paused_minutes` (paused
	time so far) is left out of both. `due` None means the clock is paused: PAUSED, or MET if done then.
	"""
	if due is None:
		return (MET if done_at is not None else PAUSED), 0.0
	moment = done_at if done_at is not None else now
	# Late means working time ran past the due moment: a response at 18:01 to a deadline of 18:00,
	# the end of the working day, used no more working time than allowed.
	late = round(measure_minutes(calendar, due, moment), 1) if moment > due else 0.0
	if late > 0:
		return BREACHED, late
	if done_at is not None:
		return MET, 0.0
	if moment > due:
		return AT_RISK, 0.0  # due, after hours: it breaches with the next working minute
	target = measure_minutes(calendar, started, due) - paused_minutes
	elapsed = measure_minutes(calendar, started, now) - paused_minutes
	if target <= 0 or elapsed >= at_risk_share * target:
		return AT_RISK, 0.0
	return ON_TRACK, 0.0


def target_state(
	calendar: WorkingCalendar,
	start: datetime,
	target_minutes: float,
	now: datetime,
	done_at: datetime | None = None,
	paused_minutes: float = 0.0,
	paused_since: datetime | None = None,
	at_risk_share: float = DEFAULT_AT_RISK_SHARE,
) -> tuple[str, float]:
	"""`sla_state` from what a complaint stores (paused minutes so far, an open pause), in working minutes."""
	if done_at is None and paused_since is not None:
		return PAUSED, 0.0
	due = deadline(calendar, start, target_minutes, paused_minutes).due
	return sla_state(due, done_at, now, start, at_risk_share, calendar, paused_minutes=paused_minutes)


def response_state(
	calendar: WorkingCalendar,
	received: datetime,
	response_minutes: float,
	now: datetime,
	responded_at: datetime | None = None,
	at_risk_share: float = DEFAULT_AT_RISK_SHARE,
) -> tuple[str, float]:
	"""(state, minutes late) of the first-response clock: MET when the first response came by the
	response deadline, BREACHED (by working minutes) when it came later or is still missing after it,
	AT_RISK once `at_risk_share` of the response time has run without a response, else ON_TRACK.

	The response clock never pauses: waiting on the customer already needs a response."""
	return target_state(
		calendar, received, response_minutes, now, done_at=responded_at, at_risk_share=at_risk_share
	)


def first_response_minutes(
	calendar: WorkingCalendar, received: datetime, responded_at: datetime | None
) -> float | None:
	"""Working minutes from receipt to the first response (None while nobody has responded)."""
	if responded_at is None:
		return None
	return round(working_minutes_between(calendar, received, responded_at), 1)


def response_met(
	response_due: datetime | None,
	responded_at: datetime | None,
	now: datetime,
	calendar: WorkingCalendar | None = None,
) -> bool | None:
	"""Whether the first response came in time: True/False once it is decided (a response came, or the
	deadline passed without one), None while it is still open or there was no deadline. With a
	calendar, "in time" is counted in working minutes, as `sla_state` counts it."""
	if response_due is None:
		return None
	moment = responded_at if responded_at is not None else now
	late = measure_minutes(calendar, response_due, moment) if moment > response_due else 0.0
	if responded_at is not None:
		return late <= 0
	return False if late > 0 else None


def median(values: Iterable[float | None]) -> float | None:
	"""The median of the values that are not None (None when there are none)."""
	ordered = sorted(v for v in values if v is not None)
	if not ordered:
		return None
	middle = len(ordered) // 2
	if len(ordered) % 2:
		return ordered[middle]
	return (ordered[middle - 1] + ordered[middle]) / 2


# ---------------------------------------------------------------- policy


def select_policy(policies: Sequence[Mapping], grade: str | None, severity: str | None) -> Mapping | None:
	"""The most specific matching policy: grade and severity, then grade alone, then severity alone, then
	the default (`is_default`). A policy naming a grade or severity matches only that one. The fields
	read are those of `CRM SLA Policy` (`customer_grade`, `severity`, `is_default`, `name`); ties go to
	the first name, so the choice never depends on the order the database returns."""

	def score(p: Mapping) -> int | None:
		g, s = p.get("customer_grade"), p.get("severity")
		if (g and g != grade) or (s and s != severity):
			return None
		if g and s:
			return 3
		if g or s:
			return 2 if g else 1
		return 0 if p.get("is_default") else None

	ranked = [(score(p), str(p.get("name") or ""), i) for i, p in enumerate(policies)]
	ranked = [r for r in ranked if r[0] is not None]
	if not ranked:
		return None
	best = min(ranked, key=lambda r: (-r[0], r[1], r[2]))
	return policies[best[2]]
