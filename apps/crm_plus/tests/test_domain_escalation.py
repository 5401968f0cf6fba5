"""The escalation ladder: warn the handler, then the supervisor on breach, then the manager."""

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from crm_plus.domain import escalation as esc
from crm_plus.domain import sla

CAL = sla.default_calendar()
MON = datetime(2026, 11, 23, 9, 0)  # a Monday
DUE = sla.add_working_time(CAL, MON, 240)  # 14:00


def at(day: int, hour: int, minute: int = 0) -> datetime:
	return datetime(2026, 11, day, hour, minute)


def levels(steps: list[esc.EscalationStep]) -> list[int]:
	return [s.level for s in steps]


def ladder(
	level: int,
	now: datetime,
	target: float = 240,
	*,
	manager_after: float = 120,
	share: float = 0.75,
	done_at: datetime | None = None,
	paused_minutes: float = 0.0,
	paused_since: datetime | None = None,
) -> list[esc.EscalationStep]:
	"""The resolution ladder as the escalation job reads it: from the state of what a complaint stores."""
	state, breach = sla.target_state(
		CAL, MON, target, now, done_at, paused_minutes, paused_since, at_risk_share=share
	)
	return esc.escalation_steps(level, state, breach, manager_after)


def test_the_ladder_step_by_step():
	assert DUE == at(23, 14)
	assert ladder(0, at(23, 11, 59)) == []
	# 180 of 240 working minutes have run at noon: the handler is warned.
	assert ladder(0, at(23, 12)) == [esc.EscalationStep(1, "Handler", "at_risk")]
	assert ladder(1, DUE) == []
	assert ladder(1, at(23, 14, 1)) == [esc.EscalationStep(2, "CRM Service Supervisor", "breached")]
	# The manager 120 working minutes after the breach: 16:00.
	assert ladder(2, at(23, 15, 59)) == []
	assert ladder(2, at(23, 16)) == [esc.EscalationStep(3, "CRM Service Manager", "still_breached")]
	assert ladder(3, at(30, 16)) == []


def test_the_manager_delay_counts_working_time():
	# 420 working minutes from Monday 09:00: due 17:00. Then 17:00-18:00 Monday, 09:00-10:00 Tuesday.
	assert sla.add_working_time(CAL, MON, 420) == at(23, 17)
	assert ladder(2, at(23, 23), 420) == []
	assert ladder(2, at(24, 9, 59), 420) == []
	assert levels(ladder(2, at(24, 10), 420)) == [3]


def test_after_an_outage_the_skipped_steps_come_in_order():
	steps = ladder(0, at(25, 10))
	assert [(s.level, s.target, s.reason) for s in steps] == [
		(1, "Handler", "at_risk"),
		(2, "CRM Service Supervisor", "breached"),
		(3, "CRM Service Manager", "still_breached"),
	]
	assert levels(ladder(0, at(23, 14, 30))) == [1, 2]
	assert levels(ladder(1, at(25, 10))) == [2, 3]


def test_resolved_and_paused_complaints_escalate_nothing():
	late = at(25, 10)
	assert ladder(0, late, done_at=at(23, 13)) == []  # resolved in time: MET
	assert ladder(0, late, paused_since=at(23, 10)) == []  # waiting on the customer: PAUSED
	# Resolved late: the state stays BREACHED for the record, and a job skips done complaints.
	assert sla.target_state(CAL, MON, 240, late, done_at=at(23, 15))[0] == sla.BREACHED


def test_paused_time_is_left_out_of_the_warning_share():
	# Two paused hours: due 16:00; at 14:30, 270 - 120 = 150 of 240 minutes ran, at 15:00 180.
	assert ladder(0, at(23, 14, 30), paused_minutes=120) == []
	assert levels(ladder(0, at(23, 15), paused_minutes=120)) == [1]
	assert levels(ladder(0, at(23, 16, 1), paused_minutes=120)) == [1, 2]


def test_the_policy_share_decides_the_warning():
	assert ladder(0, at(23, 11)) == []  # 120 of 240: below 75%
	assert levels(ladder(0, at(23, 11), share=0.5)) == [1]


def test_levels_out_of_range_are_clamped():
	assert levels(ladder(-1, at(23, 12))) == [1]
	assert ladder(7, at(25, 10)) == []


def test_the_ladder_from_a_computed_state():
	assert esc.escalation_steps(0, sla.ON_TRACK, 0, 120) == []
	assert levels(esc.escalation_steps(0, sla.AT_RISK, 0, 120)) == [1]
	assert levels(esc.escalation_steps(0, sla.BREACHED, 5, 120)) == [1, 2]
	assert levels(esc.escalation_steps(2, sla.BREACHED, 130, 120)) == [3]
	assert esc.escalation_steps(3, sla.BREACHED, 999, 120) == []
	assert esc.escalation_steps(1, sla.PAUSED, 0, 120) == []
	assert esc.escalation_steps(0, sla.MET, 0, 120) == []


def test_the_response_ladder_warns_then_escalates_apart_from_the_resolution_ladder():
	assert sla.add_working_time(CAL, MON, sla.DEFAULT_RESPONSE_MINUTES) == at(23, 9, 10)

	def ladder(level: int, now: datetime, responded: datetime | None = None) -> list[esc.EscalationStep]:
		state, late = sla.response_state(CAL, MON, sla.DEFAULT_RESPONSE_MINUTES, now, responded, 0.75)
		return esc.response_escalation_steps(level, state, late, 120, answered=responded is not None)

	assert ladder(0, at(23, 9, 7)) == []  # 7 of 10 minutes: on track
	assert ladder(0, at(23, 9, 8)) == [esc.EscalationStep(1, "Handler", esc.RESPONSE_AT_RISK)]
	assert ladder(1, at(23, 9, 9)) == []  # warned once
	assert ladder(1, at(23, 9, 11)) == [
		esc.EscalationStep(2, "CRM Service Supervisor", esc.RESPONSE_BREACHED)
	]
	assert ladder(2, at(23, 11, 9)) == []  # 119 working minutes late
	assert ladder(2, at(23, 11, 10)) == [
		esc.EscalationStep(3, "CRM Service Manager", esc.RESPONSE_STILL_BREACHED)
	]
	assert ladder(3, at(24, 9)) == []
	# After an outage every skipped step comes, lowest first; an answer in time stops the ladder.
	assert levels(ladder(0, at(23, 16))) == [1, 2, 3]
	assert ladder(0, at(23, 16), responded=at(23, 9, 5)) == []
	# A late answer stays late (BREACHED), but nobody is alerted about an answer already given.
	assert sla.response_state(CAL, MON, 10, at(23, 16), at(23, 9, 30))[0] == sla.BREACHED
	assert ladder(0, at(23, 16), responded=at(23, 9, 30)) == []
	assert ladder(1, at(23, 16), responded=at(23, 9, 30)) == []
	# The response reasons are not the resolution ones: the two ladders never share a message.
	assert set(esc.RESPONSE_LEVEL_REASONS.values()).isdisjoint(esc.LEVEL_REASONS.values())
	assert set(esc.REASONS) == set(esc.RESPONSE_LEVEL_REASONS.values()) | set(esc.LEVEL_REASONS.values())


# ---------------------------------------------------------------- properties

offsets = st.integers(min_value=0, max_value=8 * 24 * 60)  # minutes after the start, over a week and more
shares = st.sampled_from([0.5, 0.75, 0.9, 1.0])


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 3), offsets, st.integers(1, 1000), st.integers(0, 600), shares)
def test_escalation_is_idempotent(level, offset, target, manager_after, share):
	now = MON + timedelta(minutes=offset)
	steps = ladder(level, now, target, manager_after=manager_after, share=share)
	assert levels(steps) == list(range(level + 1, level + 1 + len(steps)))  # above, in order, none skipped
	reached = max([level, *levels(steps)])
	assert ladder(reached, now, target, manager_after=manager_after, share=share) == []  # a rerun: nothing


@settings(max_examples=200, deadline=None)
@given(st.lists(offsets, min_size=1, max_size=12), st.integers(1, 1000), st.integers(0, 600), shares)
def test_the_level_never_goes_down(runs, target, manager_after, share):
	level = 0
	for offset in sorted(runs):
		now = MON + timedelta(minutes=offset)
		reached = max([level, *levels(ladder(level, now, target, manager_after=manager_after, share=share))])
		assert reached >= level
		level = reached
	# The last run reached what the clock calls for at its moment: the whole ladder from zero.
	assert level == max([0, *levels(ladder(0, now, target, manager_after=manager_after, share=share))])


@settings(max_examples=200, deadline=None)
@given(offsets, st.integers(1, 1000), st.integers(0, 600), shares)
def test_the_ladder_agrees_with_the_sla_state(offset, target, manager_after, share):
	now = MON + timedelta(minutes=offset)
	state, breach = sla.target_state(CAL, MON, target, now, at_risk_share=share)
	reached = max([0, *levels(ladder(0, now, target, manager_after=manager_after, share=share))])
	expected = {
		sla.ON_TRACK: esc.NONE,
		sla.AT_RISK: esc.WARNED,
		sla.BREACHED: esc.MANAGER if breach >= manager_after else esc.SUPERVISOR,
	}
	assert reached == expected[state]
