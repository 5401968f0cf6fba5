from datetime import date, datetime, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_plus.domain import sla

CAL = sla.default_calendar(holidays=[date(2026, 10, 1)])  # National Day, a Thursday
FRI_1700 = datetime(2026, 11, 20, 17, 0)  # a Friday


def test_seed_targets_half_a_working_day():
	assert sla.DEFAULT_RESPONSE_MINUTES == 10
	assert sla.DEFAULT_RESOLUTION_MINUTES == 240
	# Received Monday 10:00: three working hours before lunch... 10-12 (120) + 13-15 (120) = 15:00.
	assert sla.add_working_time(CAL, datetime(2026, 11, 23, 10, 0), 240) == datetime(2026, 11, 23, 15, 0)


def test_across_the_night_and_the_weekend():
	# Friday 17:00 + 4 working hours: 1 hour on Friday, 3 on Monday morning 09:00-12:00.
	assert sla.add_working_time(CAL, FRI_1700, 240) == datetime(2026, 11, 23, 12, 0)
	# Received on Saturday: the clock starts Monday 09:00.
	assert sla.add_working_time(CAL, datetime(2026, 11, 21, 11, 0), 10) == datetime(2026, 11, 23, 9, 10)
	# Received at lunch: the clock starts at 13:00.
	assert sla.add_working_time(CAL, datetime(2026, 11, 23, 12, 30), 10) == datetime(2026, 11, 23, 13, 10)


def test_holidays_and_makeup_days():
	# Wednesday 30 September 17:30 + 60 minutes: 30 today, National Day (Thursday) is skipped.
	assert sla.add_working_time(CAL, datetime(2026, 9, 30, 17, 30), 60) == datetime(2026, 10, 2, 9, 30)
	makeup = sla.WorkingCalendar(
		CAL.hours, CAL.holidays, {date(2026, 10, 10): 4}
	)  # Saturday worked as a Friday
	assert sla.add_working_time(makeup, datetime(2026, 10, 9, 17, 30), 60) == datetime(2026, 10, 10, 9, 30)


def test_working_minutes_between():
	assert sla.working_minutes_between(CAL, FRI_1700, datetime(2026, 11, 23, 12, 0)) == 240
	assert sla.working_minutes_between(CAL, datetime(2026, 11, 23, 12, 0), FRI_1700) == 0
	assert sla.working_minutes_between(CAL, datetime(2026, 11, 21, 0, 0), datetime(2026, 11, 22, 23, 0)) == 0


def test_calendar_without_working_time_is_refused():
	with pytest.raises(ValueError):
		sla.add_working_time(sla.WorkingCalendar({}), FRI_1700, 10)
	with pytest.raises(ValueError):
		sla.add_working_time(CAL, FRI_1700, -1)


def test_pauses_move_the_deadline_and_an_open_pause_stops_it():
	start = datetime(2026, 11, 23, 9, 0)
	assert sla.deadline(CAL, start, 240).due == datetime(2026, 11, 23, 14, 0)
	assert sla.deadline(CAL, start, 240, paused_minutes=60).due == datetime(2026, 11, 23, 15, 0)
	open_pause = sla.deadline(CAL, start, 240, paused_since=datetime(2026, 11, 23, 10, 0))
	assert open_pause.due is None and open_pause.paused


def test_states():
	start = datetime(2026, 11, 23, 9, 0)  # due 14:00 (240 working minutes, lunch excluded)
	assert sla.sla_state(CAL, start, 240, datetime(2026, 11, 23, 10, 0)) == (sla.ON_TRACK, 0.0)
	assert sla.sla_state(CAL, start, 240, datetime(2026, 11, 23, 13, 30)) == (sla.AT_RISK, 0.0)
	assert sla.sla_state(CAL, start, 240, datetime(2026, 11, 23, 15, 30)) == (sla.BREACHED, 90.0)
	done_early = sla.sla_state(
		CAL, start, 240, datetime(2026, 11, 24, 9, 0), done_at=datetime(2026, 11, 23, 11, 0)
	)
	assert done_early == (sla.MET, 0.0)
	done_late = sla.sla_state(
		CAL, start, 240, datetime(2026, 11, 24, 9, 0), done_at=datetime(2026, 11, 23, 17, 0)
	)
	assert done_late == (sla.BREACHED, 180.0)
	paused = sla.sla_state(
		CAL, start, 240, datetime(2026, 11, 23, 16, 0), paused_since=datetime(2026, 11, 23, 10, 0)
	)
	assert paused == (sla.PAUSED, 0.0)
	# Two hours paused push the breach back: at 15:30 it is still on time (due 16:00).
	assert (
		sla.sla_state(CAL, start, 240, datetime(2026, 11, 23, 15, 30), paused_minutes=120)[0] == sla.AT_RISK
	)


def test_policy_selection_prefers_the_most_specific():
	policies = [
		{"name": "Default", "is_default": 1},
		{"name": "VIP", "customer_grade": "VIP"},
		{"name": "Critical", "severity": "Critical"},
		{"name": "VIP Critical", "customer_grade": "VIP", "severity": "Critical"},
		{"name": "Not default"},
	]
	assert sla.select_policy(policies, "VIP", "Critical")["name"] == "VIP Critical"
	assert sla.select_policy(policies, "VIP", "Low")["name"] == "VIP"
	assert sla.select_policy(policies, "Small", "Critical")["name"] == "Critical"
	assert sla.select_policy(policies, "Small", "Low")["name"] == "Default"
	assert sla.select_policy([{"name": "x", "customer_grade": "Key"}], "Small", "Low") is None


def test_escalation_ladder():
	assert sla.escalation_steps(0, sla.ON_TRACK, 0, 120) == []
	assert [s.level for s in sla.escalation_steps(0, sla.AT_RISK, 0, 120)] == [1]
	steps = sla.escalation_steps(0, sla.BREACHED, 5, 120)
	assert [(s.level, s.target) for s in steps] == [(1, "Handler"), (2, "CRM Service Supervisor")]
	assert [s.level for s in sla.escalation_steps(2, sla.BREACHED, 130, 120)] == [3]
	assert sla.escalation_steps(3, sla.BREACHED, 999, 120) == []
	assert sla.escalation_steps(1, sla.PAUSED, 0, 120) == []
	assert sla.escalation_steps(0, sla.MET, 0, 120) == []


moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 1)).map(
	lambda d: d.replace(microsecond=0)
)
minutes = st.integers(min_value=0, max_value=5000)


@settings(max_examples=150, deadline=None)
@given(moments, minutes, minutes)
def test_adding_working_time_composes(start, a, b):
	assert sla.add_working_time(CAL, start, a + b) == sla.add_working_time(
		CAL, sla.add_working_time(CAL, start, a), b
	)


@settings(max_examples=150, deadline=None)
@given(moments, minutes)
def test_minutes_between_inverts_adding(start, m):
	end = sla.add_working_time(CAL, start, m)
	assert abs(sla.working_minutes_between(CAL, start, end) - m) < 1e-6


@settings(max_examples=100, deadline=None)
@given(
	st.integers(0, 3),
	st.sampled_from([sla.ON_TRACK, sla.AT_RISK, sla.BREACHED, sla.MET, sla.PAUSED]),
	st.floats(0, 1000),
)
def test_escalation_is_idempotent_and_never_goes_down(level, state, breach):
	steps = sla.escalation_steps(level, state, breach, 120)
	assert all(s.level > level for s in steps)
	reached = max([level, *[s.level for s in steps]])
	assert sla.escalation_steps(reached, state, breach, 120) == []


def test_time_objects_in_calendar():
	cal = sla.WorkingCalendar({0: [(time(9), time(17))]})
	assert sla.add_working_time(cal, datetime(2026, 11, 23, 8, 0), 60) == datetime(2026, 11, 23, 10, 0)
