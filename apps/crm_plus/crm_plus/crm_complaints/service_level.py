"""The Frappe side of complaint service levels: policies as calendars, deadlines on save, and the
escalation job (every five minutes, over open complaints only, idempotent and safe to overlap)."""

from datetime import time

import frappe
from frappe import _
from frappe.utils import cint, flt, get_datetime, get_time, getdate, now_datetime

from crm_plus.domain import escalation, sla
from crm_plus.domain.roles import UNRESTRICTED_ROLES
from crm_plus.notifications import claim, notify
from crm_plus.utils import allow_server_fields, bulk_set

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
COMMIT_EVERY = 250  # complaints per transaction in an escalation pass
RESPONDED_STATUSES = ("Acknowledged", "In Progress", "Waiting on Customer", *sla.DONE_STATUSES)


def calendar_of(policy) -> sla.WorkingCalendar:
	hours: dict[int, list[tuple[time, time]]] = {}
	for row in policy.working_hours:
		hours.setdefault(WEEKDAYS.index(row.weekday), []).append(
			(get_time(row.start_time), get_time(row.end_time))
		)
	holidays, makeup = set(), {}
	for row in policy.holidays:
		if row.is_working_day:
			makeup[getdate(row.holiday_date)] = WEEKDAYS.index(row.work_as or "Monday")
		else:
			holidays.add(getdate(row.holiday_date))
	return sla.WorkingCalendar(hours, frozenset(holidays), makeup)


def choose_policy(grade: str | None, severity: str | None):
	policies = frappe.get_all("CRM SLA Policy", fields=["name", "customer_grade", "severity", "is_default"])
	chosen = sla.select_policy(policies, grade, severity)
	return frappe.get_cached_doc("CRM SLA Policy", chosen["name"]) if chosen else None


def apply(doc, now=None) -> None:
	"""Set the policy, the deadlines and both SLA states of a complaint (called on every save).

	The escalation job passes its own moment in `doc.flags.sla_now`, so a save it makes judges the
	clocks at the same moment as the pass that decided to save."""
	now = now or doc.flags.get("sla_now") or now_datetime()
	grade = frappe.db.get_value("CRM Customer", doc.customer, "grade")
	policy = choose_policy(grade, doc.severity)
	if not policy:
		doc.sla_policy = doc.response_by = doc.resolution_by = doc.sla_status = None
		doc.response_sla_status = None
		return
	doc.sla_policy = policy.name
	calendar = calendar_of(policy)
	received = get_datetime(doc.received_at)
	doc.response_by = sla.add_working_time(calendar, received, cint(policy.response_minutes))
	due = sla.deadline(
		calendar,
		received,
		cint(policy.resolution_minutes),
		flt(doc.paused_minutes),
		get_datetime(doc.paused_since) if doc.paused_since else None,
	)
	doc.resolution_by = due.due
	state, breach = state_of(doc, policy, calendar, now)
	doc.sla_status, doc.breach_minutes = state, breach
	doc.response_sla_status = response_state_of(doc, policy, calendar, now)[0]


def response_state_of(doc, policy, calendar, now) -> tuple[str, float]:
	"""The first-response clock: answered at `first_response_at` (or, for old records resolved without
	one, at the resolution)."""
	responded = doc.first_response_at or (doc.resolved_at if doc.status in sla.DONE_STATUSES else None)
	return sla.response_state(
		calendar,
		get_datetime(doc.received_at),
		cint(policy.response_minutes),
		now,
		responded_at=get_datetime(responded) if responded else None,
		at_risk_share=sla.at_risk_share(policy.at_risk_percent),
	)


def state_of(doc, policy, calendar, now) -> tuple[str, float]:
	done = doc.resolved_at if doc.status in sla.DONE_STATUSES else None
	return sla.target_state(
		calendar,
		get_datetime(doc.received_at),
		cint(policy.resolution_minutes),
		now,
		done_at=get_datetime(done) if done else None,
		paused_minutes=flt(doc.paused_minutes),
		paused_since=get_datetime(doc.paused_since) if doc.paused_since and not done else None,
		at_risk_share=sla.at_risk_share(policy.at_risk_percent),
	)


def minutes_of_current_pause(doc, until) -> float:
	"""Working minutes of the complaint's pause still running (since `paused_since`) up to `until`, by its
	policy's calendar (added to `paused_minutes` when the pause ends: `domain.sla.deadline`)."""
	policy = frappe.get_cached_doc("CRM SLA Policy", doc.sla_policy) if doc.sla_policy else None
	if not policy or not doc.paused_since:
		return 0.0
	return sla.working_minutes_between(calendar_of(policy), get_datetime(doc.paused_since), until)


# ---------------------------------------------------------------- the escalation job

LEVEL_FIELDS = {"Resolution": "escalation_level", "Response": "response_escalation_level"}
KEY_PREFIXES = {"Resolution": "complaint-escalation", "Response": "complaint-response-escalation"}


def reasons() -> dict[str, str]:
	return {
		escalation.AT_RISK: _("The resolution deadline is near"),
		escalation.BREACHED: _("The resolution deadline has passed"),
		escalation.STILL_BREACHED: _("The resolution deadline passed long ago"),
		escalation.RESPONSE_AT_RISK: _("The first response is due soon"),
		escalation.RESPONSE_BREACHED: _("The first response is overdue"),
		escalation.RESPONSE_STILL_BREACHED: _("The first response has been overdue for a long time"),
	}


def escalate(now=None) -> dict:
	"""Every five minutes: refresh both SLA states of open complaints and escalate what is due.

	Only open complaints are read, so the cost follows the open queue, not the archive. A complaint
	whose state changes or that climbs a ladder is saved as a document (its validation, version,
	and the site's own Notifications and Webhooks on CRM Complaint run); one whose breach only grew
	gets its minutes written directly. Each step is claimed with a unique key before anything is
	written or sent: a rerun, or a second run overlapping this one, finds the key taken and does
	nothing for that step.
	"""
	now = now or now_datetime()
	frappe.local.crm_plus_escalation_recipients = {}  # role holders, looked up once per pass
	complaints = frappe.db.sql(
		"""
		select c.name, c.customer, c.customer_name, c.subject, c.status, c.severity, c.handler, c.received_at,
			c.resolved_at, c.paused_since, c.paused_minutes, c.sla_policy, c.sla_status, c.breach_minutes,
			c.escalation_level, c.first_response_at, c.response_sla_status, c.response_escalation_level,
			c.modified, cu.division
		from `tabCRM Complaint` c left join `tabCRM Customer` cu on cu.name = c.customer
		where c.status in %(open)s and c.sla_policy is not null
		""",
		{"open": sla.OPEN_STATUSES},
		as_dict=True,
	)
	policies, calendars = {}, {}
	counts = {"checked": len(complaints), "updated": 0, "escalated": 0}
	measures: list[tuple[str, float]] = []  # breaches that only grew: written together
	for position, row in enumerate(complaints, start=1):
		if position % COMMIT_EVERY == 0 and not frappe.flags.in_test:
			# A pass that dies (a worker's time limit after a long outage) keeps what it finished:
			# every committed complaint is whole, and the next pass goes on from there.
			bulk_set("CRM Complaint", "breach_minutes", measures)
			measures = []
			frappe.db.commit()
		try:
			if row.sla_policy not in policies:
				policies[row.sla_policy] = frappe.get_cached_doc("CRM SLA Policy", row.sla_policy)
				calendars[row.sla_policy] = calendar_of(policies[row.sla_policy])
			policy, calendar = policies[row.sla_policy], calendars[row.sla_policy]
			manager_after = cint(policy.manager_after_minutes)
			state, breach = state_of(row, policy, calendar, now)
			response_state, late = response_state_of(row, policy, calendar, now)
			steps = [
				*(
					("Resolution", s)
					for s in escalation.escalation_steps(
						cint(row.escalation_level), state, breach, manager_after
					)
				),
				*(
					("Response", s)
					for s in escalation.response_escalation_steps(
						cint(row.response_escalation_level),
						response_state,
						late,
						manager_after,
						answered=bool(row.first_response_at),
					)
				),
			]
		except Exception:
			frappe.log_error(title=_("CRM Plus: escalation of complaint {0} failed").format(row.name))
			continue
		if steps or state != row.sla_status or response_state != row.response_sla_status:
			# Each complaint in its own savepoint: a failure leaves no claimed key without its escalation.
			frappe.db.savepoint("crm_plus_escalation")
			try:
				escalated = save_complaint(row, steps, now)
			except Exception:
				frappe.db.rollback(save_point="crm_plus_escalation")
				frappe.log_error(title=_("CRM Plus: escalation of complaint {0} failed").format(row.name))
				continue
			if escalated is not None:
				counts["updated"] += 1
				counts["escalated"] += escalated
		elif abs(flt(breach) - flt(row.breach_minutes)) >= 1:
			# A breach growing by the minute is a measure, not a change of state: no document event.
			measures.append((row.name, flt(breach)))
			counts["updated"] += 1
	bulk_set("CRM Complaint", "breach_minutes", measures)
	return counts


def save_complaint(row, steps: list[tuple[str, escalation.EscalationStep]], now) -> int | None:
	"""Claim the due steps, log them on the complaint and save it as a document; then notify.

	Returns the number of steps taken, or None when the complaint changed since this pass read it
	(a user's save or an overlapping pass): the next pass judges it again from what is stored."""
	doc = frappe.get_doc("CRM Complaint", row.name, for_update=True)  # waits for an overlapping pass
	if get_datetime(doc.modified) != get_datetime(row.modified):
		return None
	messages, taken = reasons(), 0
	notes: list[tuple[str, str]] = []
	idx = max((cint(r.idx) for r in doc.escalations), default=0)
	for clock, step in steps:
		recipients = recipients_for(row, step)
		key = f"{KEY_PREFIXES[clock]}:{row.name}:{step.level}"
		if not claim(key, "CRM Complaint", row.name, recipients[0] if recipients else None):
			continue
		taken += 1
		field = LEVEL_FIELDS[clock]
		doc.set(field, max(cint(doc.get(field)), step.level))
		reason = messages[step.reason]
		for user in recipients or [None]:
			idx += 1
			doc.append(
				"escalations",
				{
					"clock": clock,
					"level": step.level,
					"escalated_to": user,
					"target_role": step.target,
					"escalated_at": now,
					"reason": reason,
					"idx": idx,
				},
			)
			if user:
				notes.append(
					(user, _("Complaint {0} of {1}: {2}").format(row.name, row.customer_name, reason))
				)
	doc.flags.sla_now = now
	doc.flags.ignore_permissions = True
	allow_server_fields(doc).save()
	for user, subject in notes:
		notify(user, "CRM Complaint", row.name, subject)
	return taken


def recipients_for(row, step: escalation.EscalationStep) -> list[str]:
	"""The handler for a warning; otherwise the holders of the role who may read the complaint: those who
	serve the customer's division and those who see every division. Nobody else is told, even when
	nobody serves the division (the step is still recorded on the complaint): an alert names the
	customer and the complaint."""
	if step.target == "Handler":
		return [row.handler] if row.handler else []
	cache = getattr(frappe.local, "crm_plus_escalation_recipients", None)
	if cache is None:
		cache = frappe.local.crm_plus_escalation_recipients = {}
	key = (step.target, row.division or "")
	if key not in cache:
		cache[key] = role_holders(step.target, row.division)
	return cache[key]


def role_holders(role: str, division: str | None) -> list[str]:
	holders = set(frappe.get_all("Has Role", {"role": role, "parenttype": "User"}, pluck="parent")) - {
		"Administrator"
	}
	enabled = (
		set(frappe.get_all("User", {"name": ("in", list(holders)), "enabled": 1}, pluck="name"))
		if holders
		else set()
	)
	if not enabled:
		return []
	everywhere = set(
		frappe.get_all(
			"Has Role",
			{
				"parent": ("in", list(enabled)),
				"parenttype": "User",
				"role": ("in", sorted(UNRESTRICTED_ROLES)),
			},
			pluck="parent",
		)
	)
	serving = set()
	if division:
		members = {"parent": division, "parenttype": "CRM Division"}
		serving = set(frappe.get_all("CRM Division Member", members, pluck="user"))
	return sorted(enabled & (serving | everywhere))
