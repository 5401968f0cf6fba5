"""The escalation ladder: warn the handler, then the supervisor on breach, then the manager."""

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from crm_plus.domain import escalation as esc
from crm_plus.domain import sla

CAL = sla.default_calendar()
CONFIG = esc.EscalationConfig(warn_share=0.75, manager_after_minutes=120, calendar=CAL)
MON = datetime(2026, 11, 23, 9, 0)  # a Monday
DUE = sla.add_working_time(CAL, MON, 240)  # 14:00


def at(day: int, hour: int, minute: int = 0) -> datetime:
	return datetime(2026, 11, day, hour, minute)


def levels(steps: list[esc.EscalationStep]) -> list[int]:
	return [s.level for s in steps]


def test_the_ladder_step_by_step():
	assert DUE == at(23, 14)
	assert esc.next_escalation(0, at(23, 11, 59), MON, DUE, CONFIG) == []
	# 180 of 240 working minutes have run at noon: the handler is warned.
	assert esc.next_escalation(0, at(23, 12), MON, DUE, CONFIG) == [
		esc.EscalationStep(1, "Handler", "at_risk")
	]
	assert esc.next_escalation(1, DUE, MON, DUE, CONFIG) == []
	assert esc.next_escalation(1, at(23, 14, 1), MON, DUE, CONFIG) == [
		esc.EscalationStep(2, "CRM Service Supervisor", "breached")
	]
	# The manager 120 working minutes after the breach: 16:00.
	assert esc.next_escalation(2, at(23, 15, 59), MON, DUE, CONFIG) == []
	assert esc.next_escalation(2, at(23, 16), MON, DUE, CONFIG) == [
		esc.EscalationStep(3, "CRM Service Manager", "still_breached")
	]
	assert esc.next_escalation(3, at(30, 16), MON, DUE, CONFIG) == []


def test_the_manager_delay_counts_working_time_or_wall_time():
	due = at(23, 17)
	# Working time: 17:00-18:00 Monday, then 09:00-10:00 Tuesday.
	assert esc.next_escalation(2, at(23, 23), MON, due, CONFIG) == []
	assert esc.next_escalation(2, at(24, 9, 59), MON, due, CONFIG) == []
	assert levels(esc.next_escalation(2, at(24, 10), MON, due, CONFIG)) == [3]
	wall = esc.EscalationConfig(warn_share=0.75, manager_after_minutes=120)
	assert levels(esc.next_escalation(2, at(23, 19), MON, due, wall)) == [3]


def test_after_an_outage_the_skipped_steps_come_in_order():
	steps = esc.next_escalation(0, at(25, 10), MON, DUE, CONFIG)
	assert [(s.level, s.target, s.reason) for s in steps] == [
		(1, "Handler", "at_risk"),
		(2, "CRM Service Supervisor", "breached"),
		(3, "CRM Service Manager", "still_breached"),
	]
	assert levels(esc.next_escalation(0, at(23, 14, 30), MON, DUE, CONFIG)) == [1, 2]
	assert levels(esc.next_escalation(1, at(25, 10), MON, DUE, CONFIG)) == [2, 3]


def test_resolved_and_paused_complaints_escalate_nothing():
	late = at(25, 10)
	assert esc.next_escalation(0, late, MON, DUE, CONFIG, resolved=True) == []
	assert esc.next_escalation(0, late, MON, DUE, CONFIG, paused=True) == []
	assert esc.next_escalation(0, late, MON, None, CONFIG) == []  # an open pause: no due moment


def test_paused_time_is_left_out_of_the_warning_share():
	due = at(23, 16)  # 240 minutes and two paused hours
	assert esc.next_escalation(0, at(23, 14, 30), MON, due, CONFIG, paused_minutes=120) == []
	assert levels(esc.next_escalation(0, at(23, 15), MON, due, CONFIG, paused_minutes=120)) == [1]


def test_levels_out_of_range_are_clamped():
	assert levels(esc.next_escalation(-1, at(23, 12), MON, DUE, CONFIG)) == [1]
	assert esc.next_escalation(7, at(25, 10), MON, DUE, CONFIG) == []


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
configs = st.builds(
	esc.EscalationConfig,
	warn_share=st.sampled_from([0.5, 0.75, 0.9, 1.0]),
	manager_after_minutes=st.integers(0, 600),
	calendar=st.sampled_from([CAL, None]),
)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 3), offsets, st.integers(1, 1000), configs)
def test_escalation_is_idempotent(level, offset, target, config):
	now, due = MON + timedelta(minutes=offset), sla.add_working_time(CAL, MON, target)
	steps = esc.next_escalation(level, now, MON, due, config)
	assert levels(steps) == list(range(level + 1, level + 1 + len(steps)))  # above, in order, none skipped
	reached = max([level, *levels(steps)])
	assert esc.next_escalation(reached, now, MON, due, config) == []  # a rerun escalates nothing


@settings(max_examples=200, deadline=None)
@given(st.lists(offsets, min_size=1, max_size=12), st.integers(1, 1000), configs)
def test_the_level_never_goes_down(runs, target, config):
	due, level = sla.add_working_time(CAL, MON, target), 0
	for offset in sorted(runs):
		now = MON + timedelta(minutes=offset)
		reached = max([level, *levels(esc.next_escalation(level, now, MON, due, config))])
		assert reached >= level
		assert reached == max(level, esc.level_due(now, MON, due, config))
		level = reached


@settings(max_examples=200, deadline=None)
@given(offsets, st.integers(1, 1000), configs)
def test_the_ladder_agrees_with_the_sla_state(offset, target, config):
	now, due = MON + timedelta(minutes=offset), sla.add_working_time(CAL, MON, target)
	state, breach = sla.sla_state(due, None, now, MON, config.warn_share, config.calendar)
	wanted = esc.level_due(now, MON, due, config)
	expected = {
		sla.ON_TRACK: [esc.NONE],
		sla.AT_RISK: [esc.WARNED],
		sla.BREACHED: [esc.SUPERVISOR, esc.MANAGER],
	}
	assert wanted in expected[state]
	# The state-based ladder gives the same steps, except within the rounding of the breach (0.1 minute).
	if abs(breach - config.manager_after_minutes) >= 0.1:
		assert esc.escalation_steps(0, state, breach, config.manager_after_minutes) == esc.next_escalation(
			0, now, MON, due, config
		)
