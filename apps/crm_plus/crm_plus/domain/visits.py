"""Visits, visit plans and follow-up rules (拜访计划 / 回访).

Input rows are dicts keyed by DocType fieldnames, as `frappe.get_all` returns them:
- a visit: name, customer, contact, visit_type, purpose, status, planned_start, planned_end,
  check_in_at, check_out_at and the rep in VISIT_REP_FIELD;
- a customer: name, grade, status, disabled (or an explicit `active` flag), creation and the
  rep in CUSTOMER_REP_FIELD.
Derived rows name the rep "rep". Rates are fractions (0..1), None when there is nothing to measure.
Times are naive datetimes in the site's time zone; nothing here reads the clock.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta

from crm_plus.domain.lifecycle import ACTIVE_STATUSES
from crm_plus.domain.performance import rate

STATUSES = ("Planned", "Checked In", "Completed", "Missed", "Cancelled")
OPEN_STATUSES = frozenset({"Planned", "Checked In", "Missed"})
INITIAL_STATUSES = frozenset({"Planned", "Checked In", "Completed"})
TRANSITIONS = {
	"Planned": frozenset({"Checked In", "Completed", "Missed", "Cancelled"}),
	"Checked In": frozenset({"Completed", "Cancelled"}),
	# Missed is a flag, not an end: the visit may be rescheduled, or done and recorded late.
	"Missed": frozenset({"Planned", "Checked In", "Completed", "Cancelled"}),
	"Completed": frozenset(),
	"Cancelled": frozenset(),
}
VALIDATION_CODES = (
	"end_before_start",
	"check_out_before_check_in",
	"check_out_without_check_in",
	"customer_deactivated",
)
VISIT_REP_FIELD = "sales_rep"
CUSTOMER_REP_FIELD = "account_manager"
PERIOD_TYPES = ("Week", "Month")


def _day(value: date | datetime) -> date:
	return value.date() if isinstance(value, datetime) else value


# Status and input rules


def allowed_transition(from_status: str | None, to_status: str) -> bool:
	"""Whether a visit may go from one status to another; from None means a new visit."""
	if to_status not in TRANSITIONS:
		return False
	if from_status is None:
		return to_status in INITIAL_STATUSES
	if from_status == to_status:
		return from_status in TRANSITIONS
	return to_status in TRANSITIONS.get(from_status, ())


def validate_visit(
	planned_start: datetime | None,
	planned_end: datetime | None,
	check_in_at: datetime | None,
	check_out_at: datetime | None,
	*,
	customer_active: bool = True,
) -> list[str]:
	"""Error codes for a visit's times (empty when fine). Equal start and end times are fine.

	customer_active: pass False for a new visit (or a visit moved to another customer) whose customer
	is deactivated; history of a later deactivated customer stays editable.
	"""
	errors = []
	if planned_start and planned_end and planned_end < planned_start:
		errors.append("end_before_start")
	if check_out_at and not check_in_at:
		errors.append("check_out_without_check_in")
	elif check_out_at and check_in_at and check_out_at < check_in_at:
		errors.append("check_out_before_check_in")
	if not customer_active:
		errors.append("customer_deactivated")
	return errors


def overdue_cutoff(now: datetime, grace_minutes: int = 0) -> datetime:
	"""Planned visits whose end (or start, without an end) is before this are missed (for SQL)."""
	return now - timedelta(minutes=grace_minutes)


# Key-customer coverage (年拜访率)


def annual_visit_targets(grade: str | None, config: Mapping[str, int]) -> int:
	"""Visits a year a customer of this grade needs (0: no target). config maps grade -> visits (the
	grades' `annual_visit_target`; the shipped grades' defaults are in crm_plus/default_records.json)."""
	return max(0, int(config.get(grade or "", 0) or 0))


def year_end(year_start: date) -> date:
	"""The day after the year that begins on year_start (a 29 February start ends on 28 February)."""
	year_start = _day(year_start)
	year = year_start.year + 1
	day = min(year_start.day, calendar.monthrange(year, year_start.month)[1])
	return date(year, year_start.month, day)


def expected_by(target: int, as_of: date, year_start: date) -> int:
	"""Visits due by as_of, pro rata: ceil(target x share of the year elapsed before as_of).

	On year_start nothing is due; the whole target is due on the year's last day.
	"""
	as_of, year_start = _day(as_of), _day(year_start)
	length = (year_end(year_start) - year_start).days
	elapsed = min(max((as_of - year_start).days, 0), length)
	return -(-target * elapsed // length)


def coverage(
	customers: Iterable[Mapping],
	completed_visit_counts: Mapping[str, int],
	targets: Mapping[str, int],
	as_of: date,
	year_start: date,
) -> dict:
	"""Visit coverage of customers with a target, and the year's coverage rate (年拜访率).

	completed_visit_counts: customer -> completed visits between year_start and as_of.
	Inactive customers and customers whose grade has no target are left out.
	Returns {"rows": [{customer, grade, rep, target, done, expected_by_now, behind, met}],
	"with_target": n, "met": m, "rate": m / n in percent (performance.rate), or None}.
	"""
	as_of = _day(as_of)
	rows = []
	for customer in customers:
		target = annual_visit_targets(customer.get("grade"), targets)
		if not target or not is_active(customer):
			continue
		done = int(completed_visit_counts.get(customer["name"], 0) or 0)
		expected = expected_by(target, as_of, year_start)
		rows.append(
			{
				"customer": customer["name"],
				"grade": customer.get("grade"),
				"rep": customer.get(CUSTOMER_REP_FIELD),
				"target": target,
				"done": done,
				"expected_by_now": expected,
				"behind": done < expected,
				"met": done >= target,
			}
		)
	met = sum(row["met"] for row in rows)
	return {"rows": rows, "with_target": len(rows), "met": met, "rate": rate(met, len(rows))}


# Monthly follow-up (每月至少一次跟进)


def is_active(customer: Mapping) -> bool:
	"""Active unless flagged inactive, deactivated (disabled) or in a lifecycle status like Lost."""
	if "active" in customer:
		return bool(customer["active"])
	if customer.get("disabled"):
		return False
	status = customer.get("status")
	return not status or status in ACTIVE_STATUSES


def followup_cutoff(today: date, interval_days: int = 30) -> date:
	"""Active customers last followed up (or created, if never) before this day are due (for SQL)."""
	return _day(today) - timedelta(days=interval_days)


def followup_overdue(
	last: date | datetime | None, creation: date | datetime | None, today: date, interval_days: int
) -> dict | None:
	"""The follow-up rule for one record (a customer, a lead, an opportunity): due `interval_days` after
	its last follow-up, or after its creation if never; overdue only past that day. None when not
	overdue (or when there is nothing to count from), else {last_contact, due_on, days_overdue}."""
	base = last or creation
	if base is None:
		return None
	due_on = _day(base) + timedelta(days=interval_days)
	today = _day(today)
	if today <= due_on:
		return None
	return {
		"last_contact": _day(last) if last else None,
		"due_on": due_on,
		"days_overdue": (today - due_on).days,
	}


def followups_due(
	customers: Iterable[Mapping],
	last_contact_dates: Mapping[str, date | datetime | None],
	today: date,
	interval_days: int = 30,
) -> list[dict]:
	"""Active customers not followed up for more than interval_days, most overdue first.

	A follow-up is a completed visit. Never followed up: counted from the customer's creation.
	Followed up exactly interval_days ago: not yet due. Rows: {customer, rep, last_contact
	(None if never), due_on, days_overdue}.
	"""
	return overdue_rows(
		customers,
		last_contact_dates,
		today,
		interval_days,
		lambda customer: (
			{"customer": customer["name"], "rep": customer.get(CUSTOMER_REP_FIELD)}
			if is_active(customer)
			else None
		),
		("customer",),
	)


def overdue_rows(
	records: Iterable[Mapping],
	last_followup: Mapping[str, date | datetime | None],
	today: date,
	interval_days: int,
	describe: Callable[[Mapping], dict | None],
	order: tuple[str, ...],
) -> list[dict]:
	"""The follow-up rule over records ({name, creation, ...}): `describe(record)` gives the fields of its
	row (None: the rule does not apply to it); an overdue record's row adds followup_overdue's fields.
	Most overdue first, then by the `order` fields."""
	today = _day(today)
	due = []
	for record in records:
		fields = describe(record)
		if fields is None:
			continue
		if row := followup_overdue(
			last_followup.get(record["name"]), record.get("creation"), today, interval_days
		):
			due.append({**fields, **row})
	due.sort(key=lambda row: (-row["days_overdue"], *(row[f] for f in order)))
	return due


# Reminders and the daily digest


def reminder_key(visit_name: str, planned_start: datetime) -> str:
	"""The once-only key of a reminder; a rescheduled visit gets a new one."""
	return f"visit-reminder:{visit_name}:{planned_start.isoformat()}"


def digest_key(rep: str, day: date) -> str:
	return f"visit-digest:{rep}:{_day(day).isoformat()}"


def reminders_due(
	visits: Iterable[Mapping],
	now: datetime,
	lead_minutes: int = 60,
	already_sent: set[str] | frozenset[str] | None = None,
) -> list[dict]:
	"""Reminders for Planned visits starting within the lead time (now <= start <= now + lead).

	Keys in already_sent are skipped, so adding the returned keys makes a rerun return nothing.
	Rows: {key, visit, customer, rep, planned_start, minutes_until}, soonest first.
	"""
	sent = set(already_sent or ())
	horizon = now + timedelta(minutes=lead_minutes)
	due = []
	for visit in visits:
		start = visit.get("planned_start")
		if visit.get("status") != "Planned" or start is None or not now <= start <= horizon:
			continue
		key = reminder_key(visit["name"], start)
		if key in sent:
			continue
		sent.add(key)
		due.append(
			{
				"key": key,
				"visit": visit["name"],
				"customer": visit.get("customer"),
				"rep": visit.get(VISIT_REP_FIELD),
				"planned_start": start,
				"minutes_until": int((start - now).total_seconds() // 60),
			}
		)
	due.sort(key=lambda row: (row["planned_start"], row["visit"]))
	return due


def daily_digest(
	visits_today: Iterable[Mapping],
	overdue_followups: Iterable[Mapping],
	rep: str | None = None,
	*,
	day: date | None = None,
	already_sent: set[str] | frozenset[str] | None = None,
	overdue_sales: Iterable[Mapping] = (),
) -> dict[str, dict]:
	"""Each rep's digest: today's visits (by start time) and overdue follow-ups (rows of followups_due),
	and the open leads and opportunities overdue (rows of activities.sales_followups_due).

	rep limits it to one rep. Reps with nothing to report get no entry. With day, each entry has a
	once-only "key" and reps whose key is in already_sent are skipped.
	Returns {rep: {rep, key, visits, overdue_followups, visit_count, followup_count}}.
	"""
	sent = already_sent or frozenset()
	digests: dict[str, dict] = {}

	def entry(owner: str) -> dict:
		if owner not in digests:
			key = digest_key(owner, day) if day else None
			digests[owner] = {
				"rep": owner,
				"key": key,
				"visits": [],
				"overdue_followups": [],
				"overdue_sales": [],
			}
		return digests[owner]

	for visit in visits_today:
		owner = visit.get(VISIT_REP_FIELD)
		if owner and (rep is None or owner == rep) and visit.get("status", "Planned") in OPEN_STATUSES:
			entry(owner)["visits"].append(dict(visit))
	for row in overdue_followups:
		owner = row.get("rep")
		if owner and (rep is None or owner == rep):
			entry(owner)["overdue_followups"].append(dict(row))
	for row in overdue_sales:
		owner = row.get("rep")
		if owner and (rep is None or owner == rep):
			entry(owner)["overdue_sales"].append(dict(row))
	result = {}
	for owner in sorted(digests):
		digest = digests[owner]
		if digest["key"] is not None and digest["key"] in sent:
			continue
		digest["visits"].sort(key=lambda v: (v.get("planned_start") or datetime.max, v["name"]))
		digest["overdue_followups"].sort(key=lambda r: (-r["days_overdue"], r["customer"]))
		digest["visit_count"] = len(digest["visits"])
		digest["followup_count"] = len(digest["overdue_followups"])
		digest["sales_followup_count"] = len(digest["overdue_sales"])
		result[owner] = digest
	return result


# Visit plans


def plan_period(period_type: str, any_day: date | datetime) -> tuple[date, date]:
	"""The (first, last) day of the week (Monday to Sunday) or month containing any_day."""
	day = _day(any_day)
	if period_type == "Week":
		start = day - timedelta(days=day.weekday())
		return start, start + timedelta(days=6)
	if period_type == "Month":
		return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
	raise ValueError(f"unknown period type {period_type!r}")


def plan_completion(planned_items: Iterable[str], completed_items: Iterable[str]) -> float | None:
	"""Share of planned items done: customers planned (repeats allowed) matched by completed visits.

	A customer planned twice needs two completed visits; unplanned visits do not count.
	None when nothing is planned.
	"""
	planned = Counter(planned_items)
	total = sum(planned.values())
	if not total:
		return None
	done = planned & Counter(completed_items)
	return sum(done.values()) / total


NEXT_VISIT_COPIED = ("customer", "contact", "visit_type", "purpose", VISIT_REP_FIELD)


def next_visit_defaults(visit: Mapping, next_step_days: int) -> dict:
	"""Fields of the follow-up visit a visit's next step creates.

	Same customer, contact, type, purpose and rep; planned next_step_days after the day the visit
	took place (check-in, else planned start) at the planned start's time of day, keeping the
	planned duration; linked back through previous_visit.
	"""
	if next_step_days < 1:
		raise ValueError("next_step_days must be at least 1")
	planned_start = visit.get("planned_start")
	happened = visit.get("check_in_at") or planned_start
	if happened is None:
		raise ValueError("the visit has neither a planned start nor a check-in")
	time_of_day = (planned_start or happened).time()
	start = datetime.combine(_day(happened) + timedelta(days=next_step_days), time_of_day)
	planned_end = visit.get("planned_end")
	end = start + (planned_end - planned_start) if planned_end and planned_start else None
	defaults = {field: visit.get(field) for field in NEXT_VISIT_COPIED}
	defaults.update(status="Planned", planned_start=start, planned_end=end, previous_visit=visit.get("name"))
	return defaults
