"""The escalation ladder of complaints (自动升级, MISSION section 6).

Levels only go up: NONE (0) -> WARNED (1: the handler, once the elapsed share of the resolution time
reaches the policy's at-risk share) -> SUPERVISOR (2: on breach) -> MANAGER (3: `manager_after_minutes` after the
breach). The ladder is read from the SLA state the shell computed (`sla.target_state`,
`sla.response_state`), so the ladder and the state shown on the complaint never disagree. The
functions return only the steps above the level a complaint has reached, so a rerun at
that level returns nothing. After a long outage every skipped step is returned, lowest first: the log
shows the whole ladder, and the shell claims, logs and notifies each (complaint, level) once.
Resolved, closed and paused complaints escalate nothing.

The first response climbs a ladder of its own, with the same levels and targets, kept apart from the
resolution ladder (a late answer must not use up the resolution's steps): the handler is warned once
the at-risk share of the response time has run (`RESPONSE_AT_RISK`), the supervisors on the response
breach (`RESPONSE_BREACHED`), the service manager `manager_after_minutes` after it
(`RESPONSE_STILL_BREACHED`). The shell keeps each ladder's level in its own field.
Reasons are codes; the shell turns them into translated messages.
"""

from __future__ import annotations

from dataclasses import dataclass

from crm_plus.domain import roles, sla

NONE, WARNED, SUPERVISOR, MANAGER = 0, 1, 2, 3
LEVELS = (NONE, WARNED, SUPERVISOR, MANAGER)
HANDLER = "Handler"  # the complaint's handler, not a role
LEVEL_TARGETS = {WARNED: HANDLER, SUPERVISOR: roles.SERVICE_SUPERVISOR, MANAGER: roles.SERVICE_MANAGER}
AT_RISK, BREACHED, STILL_BREACHED = "at_risk", "breached", "still_breached"
RESPONSE_AT_RISK, RESPONSE_BREACHED, RESPONSE_STILL_BREACHED = (
	"response_at_risk",
	"response_breached",
	"response_still_breached",
)
LEVEL_REASONS = {WARNED: AT_RISK, SUPERVISOR: BREACHED, MANAGER: STILL_BREACHED}
RESPONSE_LEVEL_REASONS = {
	WARNED: RESPONSE_AT_RISK,
	SUPERVISOR: RESPONSE_BREACHED,
	MANAGER: RESPONSE_STILL_BREACHED,
}
REASONS = (AT_RISK, BREACHED, STILL_BREACHED, RESPONSE_AT_RISK, RESPONSE_BREACHED, RESPONSE_STILL_BREACHED)


@dataclass(frozen=True)
class EscalationStep:
	level: int
	target: str  # HANDLER or the role to escalate to
	reason: str  # one of REASONS


def _steps(current_level: int, wanted: int, reasons: dict[int, str] = LEVEL_REASONS) -> list[EscalationStep]:
	return [
		EscalationStep(level, LEVEL_TARGETS[level], reasons[level])
		for level in range(max(current_level, NONE) + 1, min(wanted, MANAGER) + 1)
	]


def escalation_steps(
	current_level: int, state: str, breach_minutes: float, manager_after_minutes: float
) -> list[EscalationStep]:
	"""The steps due above `current_level`, lowest first (all skipped ones after an outage), from the
	resolution clock's state (`sla.target_state`, which knows pauses and the policy's at-risk share):
	AT_RISK warns the handler, BREACHED goes to the supervisors, or to the manager once breached
	`manager_after_minutes` (working minutes). ON_TRACK, MET and PAUSED call for nothing."""
	return _steps(current_level, _wanted(state, breach_minutes, manager_after_minutes))


def _wanted(state: str, breach_minutes: float, manager_after_minutes: float) -> int:
	if state == sla.AT_RISK:
		return WARNED
	if state == sla.BREACHED:
		return MANAGER if breach_minutes >= manager_after_minutes else SUPERVISOR
	return NONE


def response_escalation_steps(
	current_level: int,
	state: str,
	late_minutes: float,
	manager_after_minutes: float,
	*,
	answered: bool = False,
) -> list[EscalationStep]:
	"""The response ladder from the response clock's state (`sla.response_state`): AT_RISK warns the
	handler, BREACHED goes to the supervisors, or to the manager once the first response is
	`manager_after_minutes` late. MET and ON_TRACK call for nothing; skipped steps come lowest first.
	Once the complaint is `answered` the ladder stops, late or not (as a resolved one's does): its
	state stays BREACHED for the record, but nobody is alerted about an answer already given."""
	if answered:
		return []
	return _steps(current_level, _wanted(state, late_minutes, manager_after_minutes), RESPONSE_LEVEL_REASONS)
