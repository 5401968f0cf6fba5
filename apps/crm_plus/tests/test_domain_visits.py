from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_plus.domain.visits import (
	STATUSES,
	allowed_transition,
	annual_visit_targets,
	coverage,
	daily_digest,
	expected_by,
	followup_cutoff,
	followups_due,
	is_active,
	next_visit_defaults,
	plan_completion,
	plan_period,
	reminder_key,
	reminders_due,
	validate_visit,
	year_end,
)

NOW = datetime(2026, 3, 16, 9, 0)  # a Monday
TODAY = NOW.date()
TARGETS = {"VIP": 12, "Key": 4}


def visit(name, start, end=None, status="Planned", rep="rep.a@x.com", customer="C1", **extra):
	return {
		"name": name,
		"customer": customer,
		"status": status,
		"planned_start": start,
		"planned_end": end,
		"sales_rep": rep,
		**extra,
	}


# Status and input rules


def test_transitions():
	assert allowed_transition("Planned", "Checked In")
	assert allowed_transition("Planned", "Completed")  # a phone call needs no check-in
	assert allowed_transition("Checked In", "Completed")
	assert allowed_transition("Planned", "Missed")
	assert allowed_transition("Missed", "Completed")  # done, recorded late
	assert allowed_transition("Missed", "Planned")  # rescheduled
	assert not allowed_transition("Completed", "Planned")
	assert not allowed_transition("Cancelled", "Checked In")
	assert not allowed_transition("Checked In", "Planned")
	assert not allowed_transition("Checked In", "Missed")
	assert not allowed_transition("Planned", "Done")
	assert not allowed_transition("Unknown", "Planned")


def test_new_visits_and_unchanged_status():
	assert allowed_transition(None, "Planned")
	assert allowed_transition(None, "Completed")  # logging a call after the fact
	assert not allowed_transition(None, "Missed")
	assert not allowed_transition(None, "Cancelled")
	assert all(allowed_transition(status, status) for status in STATUSES)


def test_validate_visit():
	start = datetime(2026, 3, 16, 10)
	assert validate_visit(start, start + timedelta(hours=1), None, None) == []
	assert validate_visit(start, start, start, start) == []  # equal times are fine
	assert validate_visit(start, None, None, None) == []
	assert validate_visit(start, start - timedelta(minutes=1), None, None) == ["end_before_start"]
	assert validate_visit(start, None, None, start) == ["check_out_without_check_in"]
	assert validate_visit(start, None, start, start - timedelta(seconds=1)) == ["check_out_before_check_in"]
	assert validate_visit(start, start - timedelta(hours=1), start, start - timedelta(hours=1)) == [
		"end_before_start",
		"check_out_before_check_in",
	]
	assert validate_visit(start, None, None, None, customer_active=False) == ["customer_deactivated"]


# Key-customer coverage


def test_annual_visit_targets():
	assert annual_visit_targets("VIP", TARGETS) == 12
	assert annual_visit_targets("Key", {"Key": 6}) == 6
	assert annual_visit_targets("Ordinary", TARGETS) == 0
	assert annual_visit_targets(None, TARGETS) == 0
	assert annual_visit_targets("VIP", {}) == 0


def test_year_end_and_leap_years():
	assert year_end(date(2026, 1, 1)) == date(2027, 1, 1)
	assert year_end(date(2024, 2, 29)) == date(2025, 2, 28)
	assert year_end(date(2025, 4, 1)) == date(2026, 4, 1)


def test_expected_by_pro_rata():
	start = date(2026, 1, 1)
	assert expected_by(12, start, start) == 0  # nothing due on the first day
	assert expected_by(12, date(2026, 1, 2), start) == 1  # ceil: the first month's visit is due
	assert expected_by(12, date(2026, 12, 31), start) == 12  # the whole target on the last day
	assert expected_by(12, date(2027, 6, 1), start) == 12
	assert expected_by(12, date(2025, 12, 31), start) == 0
	assert expected_by(4, date(2026, 7, 2), start) == 2  # exactly half: 182/365 x 4 = 1.99 -> 2
	assert expected_by(4, date(2026, 7, 3), start) == 3
	assert expected_by(0, date(2026, 7, 3), start) == 0


def test_expected_by_in_a_leap_year():
	start = date(2024, 1, 1)
	# 366 days: 183 days elapsed on 2 July is exactly half of the year.
	assert expected_by(4, date(2024, 7, 2), start) == 2
	assert expected_by(4, date(2024, 7, 3), start) == 3
	assert expected_by(366, date(2024, 3, 1), start) == 60  # 31 + 29 days elapsed
	assert expected_by(365, date(2025, 3, 1), date(2025, 1, 1)) == 59
	assert expected_by(12, date(2024, 12, 31), start) == 12


@given(
	st.integers(0, 400),
	st.dates(date(2000, 1, 1), date(2100, 12, 31)),
	st.integers(-30, 400),
	st.integers(0, 400),
)
def test_expected_by_is_monotonic_and_bounded(target, year_start, offset, step):
	earlier = year_start + timedelta(days=offset)
	later = earlier + timedelta(days=step)
	first, second = expected_by(target, earlier, year_start), expected_by(target, later, year_start)
	assert 0 <= first <= second <= target
	assert expected_by(target, year_end(year_start), year_start) == target


def customers_for_coverage():
	return [
		{"name": "C-VIP-DONE", "grade": "VIP", "account_manager": "rep.a@x.com"},
		{"name": "C-VIP-BEHIND", "grade": "VIP", "account_manager": "rep.a@x.com"},
		{"name": "C-KEY-NONE", "grade": "Key", "account_manager": "rep.b@x.com"},
		{"name": "C-KEY-ON-TRACK", "grade": "Key", "account_manager": "rep.b@x.com"},
		{"name": "C-ORDINARY", "grade": "Ordinary", "account_manager": "rep.b@x.com"},
		{"name": "C-VIP-GONE", "grade": "VIP", "disabled": 1},
	]


def test_coverage_mid_year():
	counts = {"C-VIP-DONE": 12, "C-VIP-BEHIND": 3, "C-KEY-ON-TRACK": 2, "C-ORDINARY": 5}
	result = coverage(customers_for_coverage(), counts, TARGETS, date(2026, 7, 1), date(2026, 1, 1))
	rows = {row["customer"]: row for row in result["rows"]}
	assert set(rows) == {"C-VIP-DONE", "C-VIP-BEHIND", "C-KEY-NONE", "C-KEY-ON-TRACK"}
	assert rows["C-VIP-BEHIND"] == {
		"customer": "C-VIP-BEHIND",
		"grade": "VIP",
		"rep": "rep.a@x.com",
		"target": 12,
		"done": 3,
		"expected_by_now": 6,  # 181/365 x 12 = 5.95
		"behind": True,
		"met": False,
	}
	assert rows["C-VIP-DONE"]["met"] and not rows["C-VIP-DONE"]["behind"]
	assert rows["C-KEY-NONE"]["done"] == 0 and rows["C-KEY-NONE"]["behind"]
	assert rows["C-KEY-ON-TRACK"]["expected_by_now"] == 2 and not rows["C-KEY-ON-TRACK"]["behind"]
	assert (result["with_target"], result["met"], result["rate"]) == (4, 1, 25.0)  # percent, as every rate


def test_coverage_at_year_start_and_without_targets():
	at_start = coverage(customers_for_coverage(), {}, TARGETS, date(2026, 1, 1), date(2026, 1, 1))
	assert all(row["expected_by_now"] == 0 and not row["behind"] for row in at_start["rows"])
	assert at_start["rate"] == 0.0
	nothing = coverage(customers_for_coverage(), {}, {}, date(2026, 6, 1), date(2026, 1, 1))
	assert nothing == {"rows": [], "with_target": 0, "met": 0, "rate": None}
	assert coverage([], {}, TARGETS, date(2026, 6, 1), date(2026, 1, 1))["rate"] is None


def test_coverage_year_complete_is_one_hundred_percent():
	counts = {"C-VIP-DONE": 12, "C-VIP-BEHIND": 13, "C-KEY-NONE": 4, "C-KEY-ON-TRACK": 4}
	result = coverage(customers_for_coverage(), counts, TARGETS, date(2026, 12, 31), date(2026, 1, 1))
	assert result["rate"] == 100.0 and not any(row["behind"] for row in result["rows"])


# Monthly follow-up


def test_is_active():
	assert is_active({"name": "C"})
	assert is_active({"status": "At Risk"})
	assert not is_active({"status": "Lost"})
	assert not is_active({"status": "Repeat", "disabled": 1})
	assert not is_active({"active": False, "status": "Loyal"})
	assert is_active({"active": True, "status": "Lost"})  # an explicit flag wins


def test_followups_due_boundary_and_never_contacted():
	customers = [
		{"name": "C-30", "account_manager": "rep.a@x.com", "creation": datetime(2025, 1, 1)},
		{"name": "C-31", "account_manager": "rep.a@x.com", "creation": datetime(2025, 1, 1)},
		{"name": "C-NEW", "account_manager": "rep.b@x.com", "creation": datetime(2026, 3, 1, 15)},
		{"name": "C-NEVER", "account_manager": "rep.b@x.com", "creation": datetime(2026, 1, 1, 8)},
		{"name": "C-LOST", "status": "Lost", "creation": datetime(2020, 1, 1)},
		{"name": "C-OFF", "disabled": 1, "creation": datetime(2020, 1, 1)},
		{"name": "C-INACTIVE", "active": False, "creation": datetime(2020, 1, 1)},
	]
	last = {
		"C-30": date(2026, 2, 14),  # exactly 30 days before TODAY
		"C-31": datetime(2026, 2, 13, 17, 30),
		"C-LOST": None,
	}
	due = followups_due(customers, last, TODAY)
	assert [row["customer"] for row in due] == ["C-NEVER", "C-31"]
	assert due[0] == {
		"customer": "C-NEVER",
		"rep": "rep.b@x.com",
		"last_contact": None,
		"due_on": date(2026, 1, 31),
		"days_overdue": 44,
	}
	assert due[1]["days_overdue"] == 1 and due[1]["last_contact"] == date(2026, 2, 13)
	fortnightly = followups_due(customers, last, TODAY, interval_days=14)
	assert [(row["customer"], row["days_overdue"]) for row in fortnightly] == [
		("C-NEVER", 60),
		("C-31", 17),
		("C-30", 16),
		("C-NEW", 1),
	]
	assert followup_cutoff(TODAY) == date(2026, 2, 14)


def test_followups_across_a_leap_day():
	customers = [{"name": "C", "creation": datetime(2023, 1, 1)}]
	last = {"C": date(2024, 2, 1)}
	assert followups_due(customers, last, date(2024, 3, 2)) == []  # 2 Feb + 30 days = 2 March
	assert followups_due(customers, last, date(2024, 3, 3))[0]["days_overdue"] == 1
	assert followups_due(customers, {}, date(2024, 3, 3))[0]["last_contact"] is None


@given(st.integers(0, 400), st.integers(1, 120))
def test_followups_due_matches_the_cutoff(days_since, interval):
	today = date(2026, 3, 16)
	customers = [{"name": "C", "creation": datetime(2020, 1, 1)}]
	last = today - timedelta(days=days_since)
	due = followups_due(customers, {"C": last}, today, interval)
	assert bool(due) == (last < followup_cutoff(today, interval))
	if due:
		assert due[0]["days_overdue"] == days_since - interval


# Reminders and the daily digest


def test_reminders_within_lead_time_boundaries():
	visits = [
		visit("V-NOW", NOW),
		visit("V-EDGE", NOW + timedelta(minutes=60)),
		visit("V-LATE", NOW + timedelta(minutes=60, seconds=1)),
		visit("V-PAST", NOW - timedelta(seconds=1)),
		visit("V-DONE", NOW + timedelta(minutes=10), status="Cancelled"),
		visit("V-SOON", NOW + timedelta(minutes=15), rep="rep.b@x.com", customer="C2"),
	]
	due = reminders_due(visits, NOW)
	assert [row["visit"] for row in due] == ["V-NOW", "V-SOON", "V-EDGE"]
	assert due[1] == {
		"key": reminder_key("V-SOON", NOW + timedelta(minutes=15)),
		"visit": "V-SOON",
		"customer": "C2",
		"rep": "rep.b@x.com",
		"planned_start": NOW + timedelta(minutes=15),
		"minutes_until": 15,
	}
	assert [row["visit"] for row in reminders_due(visits, NOW, lead_minutes=15)] == ["V-NOW", "V-SOON"]


def test_reminders_are_idempotent_and_follow_a_reschedule():
	visits = [visit("V1", NOW + timedelta(minutes=30)), visit("V2", NOW + timedelta(minutes=45))]
	sent = {row["key"] for row in reminders_due(visits, NOW)}
	assert len(sent) == 2
	assert reminders_due(visits, NOW, already_sent=sent) == []
	assert reminders_due(visits, NOW + timedelta(minutes=5), already_sent=sent) == []
	moved = [visit("V1", NOW + timedelta(minutes=50)), visits[1]]
	again = reminders_due(moved, NOW, already_sent=sent)
	assert [row["visit"] for row in again] == ["V1"]
	assert reminders_due([visits[0], visits[0]], NOW) == reminders_due([visits[0]], NOW)


@given(st.lists(st.integers(-120, 240), max_size=20), st.integers(0, 180))
def test_reminders_rerun_sends_nothing(offsets, lead):
	visits = [visit(f"V{i}", NOW + timedelta(minutes=m)) for i, m in enumerate(offsets)]
	first = reminders_due(visits, NOW, lead)
	assert all(0 <= row["minutes_until"] <= lead for row in first)
	assert reminders_due(visits, NOW, lead, {row["key"] for row in first}) == []


def test_daily_digest_groups_by_rep():
	visits_today = [
		visit("V2", NOW.replace(hour=14)),
		visit("V1", NOW.replace(hour=10)),
		visit("V3", NOW.replace(hour=11), rep="rep.b@x.com"),
		visit("V4", NOW.replace(hour=12), status="Cancelled"),
		visit("V5", NOW.replace(hour=12), rep=None),
	]
	followups = [
		{"customer": "C7", "rep": "rep.c@x.com", "days_overdue": 3},
		{"customer": "C8", "rep": "rep.a@x.com", "days_overdue": 1},
		{"customer": "C9", "rep": "rep.a@x.com", "days_overdue": 9},
	]
	digest = daily_digest(visits_today, followups)
	assert list(digest) == ["rep.a@x.com", "rep.b@x.com", "rep.c@x.com"]
	mine = digest["rep.a@x.com"]
	assert [v["name"] for v in mine["visits"]] == ["V1", "V2"]
	assert [r["customer"] for r in mine["overdue_followups"]] == ["C9", "C8"]
	assert (mine["visit_count"], mine["followup_count"], mine["key"]) == (2, 2, None)
	assert digest["rep.c@x.com"]["visits"] == [] and digest["rep.c@x.com"]["followup_count"] == 1
	assert list(daily_digest(visits_today, followups, "rep.b@x.com")) == ["rep.b@x.com"]
	assert daily_digest(visits_today, followups, "rep.z@x.com") == {}
	assert daily_digest([], []) == {}
	visits_today[1]["customer"] = "changed"
	assert mine["visits"][0]["customer"] == "C1"  # the digest holds copies


def test_daily_digest_once_a_day():
	visits_today = [visit("V1", NOW), visit("V2", NOW, rep="rep.b@x.com")]
	first = daily_digest(visits_today, [], day=TODAY)
	keys = {entry["key"] for entry in first.values()}
	assert keys == {"visit-digest:rep.a@x.com:2026-03-16", "visit-digest:rep.b@x.com:2026-03-16"}
	assert daily_digest(visits_today, [], day=TODAY, already_sent=keys) == {}
	assert list(daily_digest(visits_today, [], day=TODAY + timedelta(days=1), already_sent=keys)) == [
		"rep.a@x.com",
		"rep.b@x.com",
	]


# Visit plans


def test_plan_period_week_starts_monday():
	assert plan_period("Week", date(2026, 3, 16)) == (date(2026, 3, 16), date(2026, 3, 22))
	assert plan_period("Week", date(2026, 3, 22)) == (date(2026, 3, 16), date(2026, 3, 22))
	assert plan_period("Week", datetime(2026, 1, 1, 23, 59)) == (date(2025, 12, 29), date(2026, 1, 4))
	assert plan_period("Week", date(2024, 2, 29)) == (date(2024, 2, 26), date(2024, 3, 3))


def test_plan_period_month():
	assert plan_period("Month", date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))
	assert plan_period("Month", date(2026, 2, 28)) == (date(2026, 2, 1), date(2026, 2, 28))
	assert plan_period("Month", date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))
	assert plan_period("Month", date(2026, 1, 1)) == (date(2026, 1, 1), date(2026, 1, 31))
	with pytest.raises(ValueError):
		plan_period("Quarter", date(2026, 1, 1))


@given(st.dates(date(1990, 1, 1), date(2100, 12, 31)), st.sampled_from(["Week", "Month"]))
def test_plan_period_contains_the_day(day, period_type):
	start, end = plan_period(period_type, day)
	assert start <= day <= end
	assert plan_period(period_type, start) == plan_period(period_type, end) == (start, end)
	if period_type == "Week":
		assert start.weekday() == 0 and (end - start).days == 6
	else:
		assert start.day == 1 and (end + timedelta(days=1)).day == 1


def test_plan_completion():
	assert plan_completion([], ["C1"]) is None
	assert plan_completion(["C1", "C2", "C3", "C4"], ["C1", "C3"]) == 0.5
	assert plan_completion(["C1", "C2"], ["C1", "C1", "C9"]) == 0.5  # extra and unplanned visits don't count
	assert plan_completion(["C1", "C1", "C2"], ["C1", "C1", "C2"]) == 1.0
	assert plan_completion(["C1", "C1"], ["C1"]) == 0.5
	assert plan_completion(iter(["C1"]), iter([])) == 0.0


@given(st.lists(st.sampled_from("ABCDE"), max_size=12), st.lists(st.sampled_from("ABCDEF"), max_size=12))
def test_plan_completion_is_a_rate(planned, completed):
	rate = plan_completion(planned, completed)
	assert (rate is None) == (not planned)
	assert rate is None or 0 <= rate <= 1
	assert not planned or plan_completion(planned, planned) == 1.0


def test_next_visit_defaults():
	previous = visit(
		"V-2026-0001",
		datetime(2026, 3, 16, 9, 30),
		datetime(2026, 3, 16, 11, 0),
		status="Completed",
		contact="Zhang Wei",
		visit_type="On-site",
		purpose="Sales",
		outcome="Agreed on a trial order",
	)
	assert next_visit_defaults(previous, 14) == {
		"customer": "C1",
		"contact": "Zhang Wei",
		"visit_type": "On-site",
		"purpose": "Sales",
		"sales_rep": "rep.a@x.com",
		"status": "Planned",
		"planned_start": datetime(2026, 3, 30, 9, 30),
		"planned_end": datetime(2026, 3, 30, 11, 0),
		"previous_visit": "V-2026-0001",
	}


def test_next_visit_counts_from_the_day_it_happened():
	previous = visit("V1", datetime(2024, 2, 20, 15, 0), check_in_at=datetime(2024, 2, 22, 16, 5))
	defaults = next_visit_defaults(previous, 7)
	assert defaults["planned_start"] == datetime(2024, 2, 29, 15, 0)  # leap day, the planned time of day
	assert defaults["planned_end"] is None
	assert next_visit_defaults(previous, 10)["planned_start"] == datetime(2024, 3, 3, 15, 0)
	with pytest.raises(ValueError):
		next_visit_defaults(previous, 0)
	with pytest.raises(ValueError):
		next_visit_defaults(visit("V2", None), 7)
