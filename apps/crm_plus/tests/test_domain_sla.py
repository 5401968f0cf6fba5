"""Deadlines across working hours, holidays, make-up days and pauses; SLA states; policy choice."""

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from crm_plus.domain import sla

# 2026-10-01 (Thursday) to 2026-10-07: National Day holidays; Saturday 10 October is worked as a Friday.
NATIONAL_DAY = [date(2026, 10, 1) + timedelta(days=i) for i in range(7)]
CAL = sla.default_calendar(holidays=NATIONAL_DAY, makeup_days={date(2026, 10, 10): 4})
MON = datetime(2026, 11, 23, 9, 0)  # a Monday, 09:00
FRI_1700 = datetime(2026, 11, 20, 17, 0)


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
	return datetime(2026, month, day, hour, minute)


# ---------------------------------------------------------------- seed defaults and the calendar


def test_seed_defaults():
	assert sla.DEFAULT_RESPONSE_MINUTES == 10
	assert sla.working_day_minutes(sla.default_calendar()) == 480
	assert sla.DEFAULT_RESOLUTION_MINUTES == sla.working_day_minutes(sla.default_calendar()) / 2
	assert sla.add_working_time(CAL, MON, sla.DEFAULT_RESPONSE_MINUTES) == at(23, 9, 10)
	# Received Monday 10:00: 10-12 (120) + 13-15 (120) = 15:00, lunch left out.
	assert sla.add_working_time(CAL, at(23, 10), sla.DEFAULT_RESOLUTION_MINUTES) == at(23, 15)


def test_calendar_merges_and_orders_intervals():
	cal = sla.WorkingCalendar(
		{0: [(time(13), time(15)), (time(9), time(11)), (time(10), time(12)), (time(15), time(16))]}
	)
	assert cal.intervals(date(2026, 11, 23)) == [(at(23, 9), at(23, 12)), (at(23, 13), at(23, 16))]
	assert cal.intervals(date(2026, 11, 24)) == []
	assert sla.working_day_minutes(cal) == 360


# ---------------------------------------------------------------- adding working time


def test_across_the_night_and_the_weekend():
	assert sla.add_working_time(CAL, at(23, 17, 30), 60) == at(24, 9, 30)
	# Friday 17:00 + 4 hours: 1 on Friday, 3 on Monday morning; it lands at 12:00, not after lunch.
	assert sla.add_working_time(CAL, FRI_1700, 240) == at(23, 12)
	assert sla.add_working_time(CAL, FRI_1700, 241) == at(23, 13, 1)


def test_starts_outside_working_hours_roll_forward():
	assert sla.add_working_time(CAL, at(21, 11), 10) == at(23, 9, 10)  # Saturday
	assert sla.add_working_time(CAL, at(23, 12, 30), 10) == at(23, 13, 10)  # lunch
	assert sla.add_working_time(CAL, at(23, 6), 10) == at(23, 9, 10)  # early morning
	assert sla.add_working_time(CAL, at(23, 19), 10) == at(24, 9, 10)  # evening
	# Zero minutes is the start itself, wherever it is: adding a then b equals adding a + b.
	assert sla.add_working_time(CAL, at(21, 11), 0) == at(21, 11)


def test_holidays_and_makeup_days():
	# Wednesday 30 September 17:30 + 60: 30 minutes that day, then the whole National Day week is off.
	assert sla.add_working_time(CAL, datetime(2026, 9, 30, 17, 30), 60) == datetime(2026, 10, 8, 9, 30)
	# Friday 9 October 17:30 + 60: Saturday 10 October is a make-up day with Friday's hours.
	assert sla.add_working_time(CAL, datetime(2026, 10, 9, 17, 30), 60) == datetime(2026, 10, 10, 9, 30)
	# A make-up day that is also a holiday stays a holiday.
	both = sla.default_calendar(holidays=[date(2026, 10, 10)], makeup_days={date(2026, 10, 10): 4})
	assert sla.add_working_time(both, datetime(2026, 10, 9, 17, 30), 60) == datetime(2026, 10, 12, 9, 30)


def test_several_intervals_per_day_and_a_midnight_end():
	split = sla.WorkingCalendar(
		{d: [(time(8), time(10)), (time(11), time(12)), (time(14), time(17))] for d in range(6)}
	)
	assert sla.add_working_time(split, at(23, 9), 150) == at(23, 14, 30)
	assert sla.add_working_time(split, at(28, 16), 120) == at(30, 9)  # Saturday, then Monday
	always = sla.WorkingCalendar({d: [(time(0), time(0))] for d in range(7)})  # 24/7: 00:00 to midnight
	assert sla.add_working_time(always, FRI_1700, 3 * 24 * 60 + 1) == FRI_1700 + timedelta(days=3, minutes=1)


def test_long_spans_and_refused_input():
	# A year of working time (about 250 days of 480 minutes) is computed by whole weeks.
	end = sla.add_working_time(CAL, MON, 480 * 250)
	assert sla.working_minutes_between(CAL, MON, end) == 480 * 250
	assert end.year == 2027
	with pytest.raises(ValueError):
		sla.add_working_time(CAL, MON, -1)
	with pytest.raises(ValueError):
		sla.add_working_time(sla.WorkingCalendar({}), MON, 10)
	off = sla.default_calendar(holidays=[date(2026, 11, 23) + timedelta(days=i) for i in range(800)])
	with pytest.raises(ValueError):
		sla.add_working_time(off, MON, 10)


def test_working_minutes_between():
	assert sla.working_minutes_between(CAL, FRI_1700, at(23, 12)) == 240
	assert sla.working_minutes_between(CAL, at(23, 12), FRI_1700) == 0
	assert sla.working_minutes_between(CAL, at(21, 0), at(22, 23)) == 0  # the weekend
	assert sla.working_minutes_between(CAL, at(23, 11, 30), at(23, 13, 30)) == 60  # across lunch
	assert sla.working_minutes_between(CAL, datetime(2026, 9, 30, 9), datetime(2026, 10, 12, 9)) == 480 * 4
	assert sla.measure_minutes(None, at(23, 11, 30), at(23, 13, 30)) == 120


# ---------------------------------------------------------------- pauses


def test_deadline_from_stored_fields():
	assert sla.deadline(CAL, MON, 240).due == at(23, 14)
	assert sla.deadline(CAL, MON, 240, paused_minutes=60).due == at(23, 15)
	open_pause = sla.deadline(CAL, MON, 240, paused_since=at(23, 10))
	assert open_pause.due is None and open_pause.paused
	# A finished pause is stored as its working minutes: an hour in working time moves the deadline
	# by an hour, an evening pause by nothing (the shell adds `working_minutes_between` of the pause).
	assert sla.deadline(CAL, MON, 240, sla.working_minutes_between(CAL, at(23, 10), at(23, 11))).due == at(
		23, 15
	)
	assert sla.deadline(CAL, MON, 240, sla.working_minutes_between(CAL, at(23, 19), at(24, 8))).due == at(
		23, 14
	)


# ---------------------------------------------------------------- SLA state


def test_states():
	due = at(23, 14)  # 240 working minutes from Monday 09:00
	assert sla.sla_state(due, None, at(23, 10), MON, 0.75, CAL) == (sla.ON_TRACK, 0.0)
	assert sla.sla_state(due, None, at(23, 11, 59), MON, 0.75, CAL) == (sla.ON_TRACK, 0.0)
	assert sla.sla_state(due, None, at(23, 12), MON, 0.75, CAL) == (sla.AT_RISK, 0.0)  # 180 of 240
	assert sla.sla_state(due, None, due, MON, 0.75, CAL) == (sla.AT_RISK, 0.0)
	assert sla.sla_state(due, None, at(23, 15, 30), MON, 0.75, CAL) == (sla.BREACHED, 90.0)
	assert sla.sla_state(due, None, at(24, 10), MON, 0.75, CAL) == (sla.BREACHED, 300.0)  # night left out
	assert sla.sla_state(due, None, at(24, 10), MON) == (sla.BREACHED, 1200.0)  # wall minutes
	assert sla.sla_state(due, at(23, 11), at(24, 9), MON, 0.75, CAL) == (sla.MET, 0.0)
	assert sla.sla_state(due, due, at(24, 9), MON, 0.75, CAL) == (sla.MET, 0.0)
	assert sla.sla_state(due, at(23, 17), at(24, 9), MON, 0.75, CAL) == (sla.BREACHED, 180.0)
	assert sla.sla_state(None, None, at(23, 16), MON, 0.75, CAL) == (sla.PAUSED, 0.0)
	assert sla.sla_state(None, at(23, 16), at(23, 16), MON, 0.75, CAL) == (sla.MET, 0.0)
	# Two paused hours move the due moment to 16:00 and leave the share of 240 minutes: at 14:30,
	# 270 - 120 = 150 minutes ran (on track); at 15:00, 180 (at risk).
	paused = {"paused_minutes": 120}
	assert sla.sla_state(at(23, 16), None, at(23, 14, 30), MON, 0.75, CAL, **paused) == (sla.ON_TRACK, 0.0)
	assert sla.sla_state(at(23, 16), None, at(23, 15), MON, 0.75, CAL, **paused) == (sla.AT_RISK, 0.0)


def test_target_state_from_stored_fields():
	assert sla.target_state(CAL, MON, 240, at(23, 13, 30)) == (sla.AT_RISK, 0.0)
	assert sla.target_state(CAL, MON, 240, at(23, 15, 30)) == (sla.BREACHED, 90.0)
	assert sla.target_state(CAL, MON, 240, at(24, 9), done_at=at(23, 17)) == (sla.BREACHED, 180.0)
	assert sla.target_state(CAL, MON, 240, at(23, 16), paused_since=at(23, 10)) == (sla.PAUSED, 0.0)
	assert sla.target_state(CAL, MON, 240, at(23, 15, 30), paused_minutes=120)[0] == sla.AT_RISK


# ---------------------------------------------------------------- policy


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
	assert sla.select_policy(policies, None, None)["name"] == "Default"
	assert sla.select_policy([{"name": "x", "customer_grade": "Key"}], "Small", "Low") is None
	assert sla.select_policy([], "VIP", "Low") is None


def test_policy_ties_are_deterministic():
	a, b = {"name": "A", "severity": "High"}, {"name": "B", "severity": "High"}
	assert sla.select_policy([b, a], None, "High") is a
	assert sla.select_policy([a, b], None, "High") is a


def test_policy_selection_reads_only_the_policy_fields():
	"""select_policy reads what CRM SLA Policy has; a field it does not have changes nothing."""
	import json
	from pathlib import Path

	meta = Path(__file__).parents[1] / "crm_plus/crm_complaints/doctype/crm_sla_policy/crm_sla_policy.json"
	fields = {f["fieldname"] for f in json.loads(meta.read_text())["fields"]} | {"name"}
	assert {"customer_grade", "severity", "is_default"} <= fields
	a, b = {"name": "A", "severity": "High"}, {"name": "B", "severity": "High"}
	assert sla.select_policy([{**a, "disabled": 1}, {**b, "priority": 5}], None, "High")["name"] == "A"


def reference_add(cal: sla.WorkingCalendar, start: datetime, minutes: int) -> datetime:
	"""Day by day, straight from the calendar's fields (intervals given sorted and disjoint)."""
	remaining, day = timedelta(minutes=minutes), start.date()
	if not remaining:
		return start
	while True:
		if day not in cal.holidays:
			for s, e in sorted(cal.hours.get(cal.makeup_days.get(day, day.weekday()), ())):
				begin, end = max(datetime.combine(day, s), start), datetime.combine(day, e)
				if end > begin:
					if end - begin >= remaining:
						return begin + remaining
					remaining -= end - begin
		day += timedelta(days=1)


QUARTER_CUTS = st.lists(st.sets(st.integers(1, 95), max_size=6), min_size=7, max_size=7)  # quarter hours
DAYS = st.dates(date(2026, 1, 1), date(2027, 12, 31))
HOLIDAYS = st.frozensets(DAYS, max_size=15)
MAKEUP_DAYS = st.dictionaries(DAYS, st.integers(0, 6), max_size=5)


@st.composite
def calendars(draw) -> sla.WorkingCalendar:
	hours = {}
	for weekday, cuts in enumerate(draw(QUARTER_CUTS)):
		cuts = sorted(cuts)
		spans = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
		hours[weekday] = [(time(s // 4, s % 4 * 15), time(e // 4, e % 4 * 15)) for s, e in spans]
	assume(any(hours.values()))
	return sla.WorkingCalendar(hours, draw(HOLIDAYS), draw(MAKEUP_DAYS))


FIXED = st.sampled_from([CAL, sla.default_calendar()])
moments = st.datetimes(datetime(2026, 1, 1), datetime(2027, 6, 1)).map(lambda d: d.replace(microsecond=0))
minutes = st.integers(min_value=0, max_value=20000)


@settings(max_examples=120, deadline=None)
@given(calendars() | FIXED, moments, minutes, minutes)
def test_adding_working_time_composes(cal, start, a, b):
	assert sla.add_working_time(cal, start, a + b) == sla.add_working_time(
		cal, sla.add_working_time(cal, start, a), b
	)


@settings(max_examples=120, deadline=None)
@given(calendars() | FIXED, moments, minutes)
def test_minutes_between_inverts_adding(cal, start, m):
	end = sla.add_working_time(cal, start, m)
	assert abs(sla.working_minutes_between(cal, start, end) - m) < 1e-6


@settings(max_examples=120, deadline=None)
@given(calendars() | FIXED, moments, minutes, minutes)
def test_deadlines_are_monotone_in_minutes(cal, start, a, b):
	assert sla.add_working_time(cal, start, min(a, b)) <= sla.add_working_time(cal, start, max(a, b))


@settings(max_examples=120, deadline=None)
@given(calendars() | FIXED, moments, st.integers(0, 200000))
def test_skipping_whole_weeks_matches_the_day_by_day_reference(cal, start, m):
	assert sla.add_working_time(cal, start, m) == reference_add(cal, start, m)


@settings(max_examples=150, deadline=None)
@given(FIXED, moments, st.integers(1, 3000), st.integers(0, 3000))
def test_paused_minutes_move_the_deadline_by_working_time(cal, start, target, paused):
	due = sla.deadline(cal, start, target, paused).due
	assert due == sla.add_working_time(cal, start, target + paused)
	assert abs(sla.working_minutes_between(cal, start, due) - (target + paused)) < 1e-6


# ---------------------------------------------------------------- the first-response clock


def test_response_state_follows_the_ten_minute_rule():
	cal = sla.default_calendar()
	state = lambda now, responded=None: sla.response_state(cal, MON, 10, now, responded, 0.75)  # noqa: E731
	assert state(at(23, 9, 5)) == (sla.ON_TRACK, 0.0)
	assert state(at(23, 9, 8)) == (sla.AT_RISK, 0.0)  # 75% of the ten minutes
	assert state(at(23, 9, 10)) == (sla.AT_RISK, 0.0)  # due at 09:10 sharp, not yet late
	assert state(at(23, 9, 25)) == (sla.BREACHED, 15.0)
	assert state(at(23, 9, 25), responded=at(23, 9, 10)) == (sla.MET, 0.0)
	assert state(at(23, 15), responded=at(23, 9, 40)) == (sla.BREACHED, 30.0)  # measured to the answer
	# Received Friday 17:55: the clock waits over the weekend, due Monday 09:05.
	friday = at(20, 17, 55)
	assert sla.response_state(cal, friday, 10, at(21, 12))[0] == sla.ON_TRACK
	assert sla.response_state(cal, friday, 10, at(23, 9, 6)) == (sla.BREACHED, 1.0)


def test_first_response_minutes_are_working_minutes():
	cal = sla.default_calendar()
	assert sla.first_response_minutes(cal, MON, None) is None
	assert sla.first_response_minutes(cal, MON, at(23, 9, 7)) == 7.0
	# Friday 17:55 to Monday 09:05: five minutes on Friday, five on Monday.
	assert sla.first_response_minutes(cal, at(20, 17, 55), at(23, 9, 5)) == 10.0
	# Over lunch and a National Day holiday in the holiday calendar.
	assert sla.first_response_minutes(cal, at(23, 11, 55), at(23, 13, 5)) == 10.0
	assert sla.first_response_minutes(CAL, at(30, 17, 55, month=9), at(8, 9, 5, month=10)) == 10.0


def test_response_met_is_decided_once_answered_or_overdue():
	due = at(23, 9, 10)
	assert sla.response_met(due, at(23, 9, 10), at(23, 12)) is True
	assert sla.response_met(due, at(23, 9, 11), at(23, 12)) is False
	assert sla.response_met(due, None, at(23, 9, 11)) is False
	assert sla.response_met(due, None, at(23, 9, 9)) is None  # still open, not yet due
	assert sla.response_met(None, at(23, 9, 9), at(23, 12)) is None


def test_median():
	assert sla.median([]) is None
	assert sla.median([None, 4.0]) == 4.0
	assert sla.median([3, 1, 2]) == 2
	assert sla.median([4, 1, 3, 2]) == 2.5


@settings(max_examples=200, deadline=None)
@given(
	start=st.integers(0, 14 * 24 * 60),
	answer=st.integers(0, 3 * 24 * 60),
	now=st.integers(0, 3 * 24 * 60),
)
@example(start=2 * 24 * 60 + 17 * 60 + 50, answer=11, now=0)  # Wed 17:50, answered 18:01 (after hours)
def test_response_state_agrees_with_the_minutes(start, answer, now):
	cal = sla.default_calendar()
	received = datetime(2026, 11, 16) + timedelta(minutes=start)
	responded = received + timedelta(minutes=answer)
	moment = responded + timedelta(minutes=now)
	state, late = sla.response_state(cal, received, 10, moment, responded)
	minutes = sla.first_response_minutes(cal, received, responded)
	assert state in (sla.MET, sla.BREACHED)
	assert (
		(state == sla.MET)
		== (minutes <= 10)
		== sla.response_met(sla.add_working_time(cal, received, 10), responded, moment, cal)
	)
	if state == sla.BREACHED:
		assert abs(late - (minutes - 10)) < 0.11
