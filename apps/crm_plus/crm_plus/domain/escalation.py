"""The escalation ladder of complaints (自动升级, MISSION section 6).

Levels only go up: NONE (0) -> WARNED (1: the handler, once the elapsed share of the resolution time
reaches `warn_share`) -> SUPERVISOR (2: on breach) -> MANAGER (3: `manager_after_minutes` after the
breach). The functions return only the steps above the level a complaint has reached, so a rerun at
that level returns nothing. After a long outage every skipped step is returned, lowest first: the log
shows the whole ladder, and the shell claims, logs and notifies each (complaint, level) once.
Resolved, closed and paused complaints escalate nothing.

The first response has no ladder of its own: once it is overdue, one alert goes to the service
supervisor (the complaint may not even have a handler yet), with level NONE so it never moves the
ladder; the shell records that it was sent (e.g. a claimed key) and passes `alerted`.
Reasons are codes; the shell turns them into translated messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crm_plus.domain import roles, sla

NONE, WARNED, SUPERVISOR, MANAGER = 0, 1, 2, 3
LEVELS = (NONE, WARNED, SUPERVISOR, MANAGER)
HANDLER = "Handler"  # the complaint's handler, not a role
LEVEL_TARGETS = {WARNED: HANDLER, SUPERVISOR: roles.SERVICE_SUPERVISOR, MANAGER: roles.SERVICE_MANAGER}
AT_RISK, BREACHED, STILL_BREACHED, RESPONSE_BREACHED = (
	"at_risk",
	"breached",
	"still_breached",
	"response_breached",
)
LEVEL_REASONS = {WARNED: AT_RISK, SUPERVISOR: BREACHED, MANAGER: STILL_BREACHED}
REASONS = (AT_RISK, BREACHED, STILL_BREACHED, RESPONSE_BREACHED)


@dataclass(frozen=True)
class EscalationConfig:
	"""From the SLA policy: `warn_share` of the resolution time (0.75 for at_risk_percent 75) and the
	minutes after breach before the manager; minutes and shares are working ones with a calendar."""

	warn_share: float = sla.DEFAULT_AT_RISK_SHARE
	manager_after_minutes: float = 120.0
	calendar: sla.WorkingCalendar | None = None


@dataclass(frozen=True)
class EscalationStep:
	level: int
	target: str  # HANDLER or the role to escalate to
	reason: str  # one of REASONS


def _steps(current_level: int, wanted: int) -> list[EscalationStep]:
	return [
		EscalationStep(level, LEVEL_TARGETS[level], LEVEL_REASONS[level])
		for level in range(max(current_level, NONE) + 1, min(wanted, MANAGER) + 1)
	]


def level_due(
	now: datetime,
	started: datetime,
	due: datetime | None,
	config: EscalationConfig,
	*,
	paused_minutes: float = 0.0,
) -> int:
	"""The highest level the resolution clock calls for at `now` (NONE when due is None: paused)."""
	if due is None:
		return NONE
	if now > due:
		late = sla.measure_minutes(config.calendar, due, now)
		return MANAGER if late >= config.manager_after_minutes else SUPERVISOR
	state, _ = sla.sla_state(
		due, None, now, started, config.warn_share, config.calendar, paused_minutes=paused_minutes
	)
	return WARNED if state == sla.AT_RISK else NONE


def next_escalation(
	current_level: int,
	now: datetime,
	started: datetime,
	due: datetime | None,
	config: EscalationConfig,
	*,
	resolved: bool = False,
	paused: bool = False,
	paused_minutes: float = 0.0,
) -> list[EscalationStep]:
	"""The steps due now above `current_level`, lowest first (all skipped ones after an outage).

	`due` is the resolution deadline (None while paused); `resolved` covers resolved and closed;
	`paused_minutes` is the paused working time so far, left out of the warning share.
	"""
	if resolved or paused or due is None:
		return []
	return _steps(current_level, level_due(now, started, due, config, paused_minutes=paused_minutes))


def escalation_steps(
	current_level: int, state: str, breach_minutes: float, manager_after_minutes: float
) -> list[EscalationStep]:
	"""The same ladder from an SLA state already computed (`sla.sla_state` or `sla.target_state`):
	AT_RISK warns, BREACHED goes to the supervisor, or the manager once breached that long."""
	wanted = NONE
	if state == sla.AT_RISK:
		wanted = WARNED
	elif state == sla.BREACHED:
		wanted = MANAGER if breach_minutes >= manager_after_minutes else SUPERVISOR
	return _steps(current_level, wanted)


def response_alert(
	now: datetime,
	response_due: datetime | None,
	responded_at: datetime | None,
	alerted: bool,
	*,
	resolved: bool = False,
) -> EscalationStep | None:
	"""One alert to the service supervisor when the first response is overdue and not yet alerted."""
	if alerted or resolved or responded_at is not None or response_due is None or now <= response_due:
		return None
	return EscalationStep(NONE, roles.SERVICE_SUPERVISOR, RESPONSE_BREACHED)
