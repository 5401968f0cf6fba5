"""Service levels of complaints (MISSION section 6): deadlines across working hours, holidays and pauses,
the SLA state of a complaint, the choice of a policy, and the escalation ladder (自动升级).

Times are naive datetimes in the site's time zone. A calendar says when the service desk works:
intervals per weekday, holidays, and make-up working days (调休) that use another weekday's hours.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

MAX_DAYS = 366 * 2
# Seed 002: queries answered within 10 minutes; complaints resolved within half a working day.
DEFAULT_RESPONSE_MINUTES = 10
DEFAULT_RESOLUTION_MINUTES = 240

ON_TRACK, AT_RISK, BREACHED, MET, PAUSED = "On Track", "At Risk", "Breached", "Met", "Paused"


@dataclass(frozen=True)
class WorkingCalendar:
	hours: Mapping[int, Sequence[tuple[time, time]]]  # weekday (0 = Monday) -> working intervals
	holidays: frozenset[date] = frozenset()
	makeup_days: Mapping[date, int] = field(default_factory=dict)  # worked date -> weekday whose hours apply

	def intervals(self, day: date) -> list[tuple[datetime, datetime]]:
		if day in self.holidays:
			return []
		weekday = self.makeup_days.get(day, day.weekday())
		return [
			(datetime.combine(day, start), datetime.combine(day, end))
			for start, end in sorted(self.hours.get(weekday, ()))
			if end > start
		]

	def works_at_all(self) -> bool:
		return any(end > start for spans in self.hours.values() for start, end in spans) or bool(
			self.makeup_days
		)


def default_calendar(holidays: Iterable[date] = ()) -> WorkingCalendar:
	"""Monday to Friday, 09:00-12:00 and 13:00-18:00 (8 working hours)."""
	day = [(time(9), time(12)), (time(13), time(18))]
	return WorkingCalendar({d: day for d in range(5)}, frozenset(holidays))


def add_working_time(calendar: WorkingCalendar, start: datetime, minutes: float) -> datetime:
	"""The moment `minutes` of working time after `start` (outside working hours, the clock waits)."""
	if minutes < 0:
		raise ValueError("minutes must not be negative")
	if not calendar.works_at_all():
		raise ValueError("the calendar has no working time")
	remaining = timedelta(minutes=minutes)
	day = start.date()
	for _ in range(MAX_DAYS):
		for begin, end in calendar.intervals(day):
			if end <= start:
				continue
			begin = max(begin, start)
			if end - begin >= remaining:
				return begin + remaining
			remaining -= end - begin
		day += timedelta(days=1)
	raise ValueError("no working time within two years")


def working_minutes_between(calendar: WorkingCalendar, start: datetime, end: datetime) -> float:
	"""Working minutes from start to end (0 when end is not after start)."""
	if end <= start:
		return 0.0
	total = timedelta()
	day = start.date()
	while day <= end.date():
		for begin, finish in calendar.intervals(day):
			lo, hi = max(begin, start), min(finish, end)
			if hi > lo:
				total += hi - lo
		day += timedelta(days=1)
	return total.total_seconds() / 60


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
	"""The due moment of a target, moved by the working time spent paused (waiting on the customer).

	A pause that is still open stops the clock: there is no due moment until it ends.
	"""
	if paused_since is not None:
		return Deadline(None, True)
	return Deadline(add_working_time(calendar, start, target_minutes + max(0.0, paused_minutes)), False)


def sla_state(
	calendar: WorkingCalendar,
	start: datetime,
	target_minutes: float,
	now: datetime,
	done_at: datetime | None = None,
	paused_minutes: float = 0.0,
	paused_since: datetime | None = None,
	at_risk_share: float = 0.75,
) -> tuple[str, float]:
	"""(state, breach in working minutes) of one target: On Track, At Risk, Breached, Met or Paused."""
	if done_at is None and paused_since is not None:
		return PAUSED, 0.0
	due = deadline(calendar, start, target_minutes, paused_minutes).due
	moment = done_at or now
	if moment > due:
		return BREACHED, round(working_minutes_between(calendar, due, moment), 1)
	if done_at is not None:
		return MET, 0.0
	elapsed = working_minutes_between(calendar, start, now) - paused_minutes
	if target_minutes and elapsed >= at_risk_share * target_minutes:
		return AT_RISK, 0.0
	return ON_TRACK, 0.0


def select_policy(policies: Sequence[Mapping], grade: str | None, severity: str | None) -> Mapping | None:
	"""The most specific policy: grade and severity, then grade or severity alone, then the default.

	Policies are dicts with name, customer_grade, severity, is_default; ties go to the first by name.
	"""

	def score(p: Mapping) -> int | None:
		g, s = p.get("customer_grade"), p.get("severity")
		if (g and g != grade) or (s and s != severity):
			return None
		if g and s:
			return 3
		if g:
			return 2
		if s:
			return 1
		return 0 if p.get("is_default") else None

	ranked = [(score(p), p.get("name") or "", p) for p in policies]
	ranked = [r for r in ranked if r[0] is not None]
	if not ranked:
		return None
	ranked.sort(key=lambda r: (-r[0], r[1]))
	return ranked[0][2]


# ---------------------------------------------------------------- escalation ladder

NONE, WARNED, SUPERVISOR, MANAGER = 0, 1, 2, 3
LEVEL_TARGETS = {WARNED: "Handler", SUPERVISOR: "CRM Service Supervisor", MANAGER: "CRM Service Manager"}


@dataclass(frozen=True)
class EscalationStep:
	level: int
	target: str  # "Handler" or the role to escalate to
	reason: str  # "at_risk", "breached", "still_breached"


def escalation_steps(
	current_level: int,
	state: str,
	breach_minutes: float,
	manager_after_minutes: float,
) -> list[EscalationStep]:
	"""The steps due now above the current level, in order; a rerun at the same level returns none.

	At risk: warn the handler. Breached: the supervisor (with the warning first if it was skipped).
	Breached for manager_after_minutes more: the service manager. Paused or met: nothing.
	"""
	wanted = NONE
	if state == AT_RISK:
		wanted = WARNED
	elif state == BREACHED:
		wanted = MANAGER if breach_minutes >= manager_after_minutes else SUPERVISOR
	reasons = {WARNED: "at_risk", SUPERVISOR: "breached", MANAGER: "still_breached"}
	return [
		EscalationStep(level, LEVEL_TARGETS[level], reasons[level])
		for level in range(current_level + 1, wanted + 1)
	]
