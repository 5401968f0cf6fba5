"""The Frappe side of complaint service levels: policies as calendars, deadlines on save, and the
escalation job (every five minutes, over open complaints only, idempotent and safe to overlap)."""

from datetime import time

import frappe
from frappe import _
from frappe.utils import cint, flt, get_datetime, get_time, getdate, now_datetime

from crm_plus.domain import escalation, sla
from crm_plus.domain.roles import UNRESTRICTED_ROLES
from crm_plus.notifications import claim_many, notify, notify_digest, release
from crm_plus.utils import bulk_set

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
	return clock_state(doc, policy, calendar, now, response=True)


def state_of(doc, policy, calendar, now) -> tuple[str, float]:
	return clock_state(doc, policy, calendar, now)


def clock_state(doc, policy, calendar, now, response: bool = False) -> tuple[str, float]:
	"""(state, working minutes late) of one of a complaint's two clocks on its policy's calendar. The
	resolution clock stops at the resolution and pauses while waiting on the customer; the first-response
	clock (`response`) stops at `first_response_at` (or, for old records resolved without one, at the
	resolution) and never pauses."""
	done = doc.resolved_at if doc.status in sla.DONE_STATUSES else None
	received, share = get_datetime(doc.received_at), sla.at_risk_share(policy.at_risk_percent)
	if response:
		responded = _moment(doc.first_response_at or done)
		return sla.response_state(calendar, received, cint(policy.response_minutes), now, responded, share)
	paused_since = None if done else _moment(doc.paused_since)
	minutes = cint(policy.resolution_minutes)
	paused = flt(doc.paused_minutes)
	return sla.target_state(calendar, received, minutes, now, _moment(done), paused, paused_since, share)


def _moment(value):
	return get_datetime(value) if value else None


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


ESCALATION_JOB = "crm_plus_escalation_pass"
ESCALATION_TIMEOUT = 3600  # seconds: a pass over 5k breached complaints takes well under a minute


def schedule_escalation() -> None:
	"""The scheduler's five-minute event: queue the pass on the long queue, where a burst after an
	outage is never killed by the default queue's five minutes; one pass queued at a time (a pass
	still queued or running is not queued again; an overlapping pass would be harmless anyway)."""
	frappe.enqueue(
		"crm_plus.crm_complaints.service_level.escalate",
		queue="long",
		timeout=ESCALATION_TIMEOUT,
		job_id=ESCALATION_JOB,
		deduplicate=True,
	)


def escalate(now=None, commit: bool | None = None) -> dict:
	"""Every five minutes: refresh both SLA states of open complaints and escalate what is due.

	Only open complaints are read, so the cost follows the open queue, not the archive. The clocks are
	judged in memory; a breach that only grew is written set-based (a measure, no document event).
	The complaints whose state changes or that climb a ladder go in chunks of `COMMIT_EVERY`, each
	chunk one transaction (`escalate_chunk`): its complaints locked in name order (one read), those
	changed since this pass read them left to the next pass, every due step claimed set-based with a
	unique key (`notifications.claim_many`), states, levels and escalation rows written set-based, then
	for each complaint what a document's save runs after its write (on_update with the document
	before the change, the version, on_change: the site's own Notifications and Webhooks on CRM
	Complaint fire as on a save).
	A second pass overlapping this one waits for the chunk's locks, then finds the complaints changed
	and their keys taken: each step is claimed, logged and alerted once. A pass that dies keeps every
	committed chunk whole; the next pass goes on from there.

	Alerts go out after the complaints, batched per person (`send_alerts`): each escalation row
	naming a person is pending until its alert is sent, so a pass that dies before alerting leaves
	its alerts to the next pass, never lost, never sent twice.
	"""
	now = now or now_datetime()
	commit = (not frappe.flags.in_test) if commit is None else commit
	frappe.local.crm_plus_escalation_recipients = {}  # role holders, looked up once per pass
	counts = {"checked": 0, "updated": 0, "escalated": 0, "alerts": send_alerts(commit)}
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
	counts["checked"] = len(complaints)
	policies, calendars = {}, {}
	changed: list[tuple] = []  # (complaint, steps, states): written, with their document events
	measures: list[tuple[str, float]] = []  # breaches that only grew: written together
	for row in complaints:
		try:
			if row.sla_policy not in policies:
				policies[row.sla_policy] = frappe.get_cached_doc("CRM SLA Policy", row.sla_policy)
				calendars[row.sla_policy] = calendar_of(policies[row.sla_policy])
			state, breach, response_state, steps = judge(
				row, policies[row.sla_policy], calendars[row.sla_policy], now
			)
		except Exception:
			frappe.log_error(title=_("CRM Plus: escalation of complaint {0} failed").format(row.name))
			continue
		if steps or state != row.sla_status or response_state != row.response_sla_status:
			changed.append((row, steps, state, breach, response_state))
		elif abs(flt(breach) - flt(row.breach_minutes)) >= 1:
			# A breach growing by the minute is a measure, not a change of state: no document event.
			measures.append((row.name, flt(breach)))
	bulk_set("CRM Complaint", "breach_minutes", measures)
	counts["updated"] += len(measures)
	if commit:
		frappe.db.commit()
	for start in range(0, len(changed), COMMIT_EVERY):
		escalate_chunk(changed[start : start + COMMIT_EVERY], now, counts)
		if commit:
			frappe.db.commit()
	counts["alerts"] += send_alerts(commit)
	return counts


def judge(row, policy, calendar, now) -> tuple[str, float, str, list[tuple[str, escalation.EscalationStep]]]:
	"""Both clocks of one complaint at `now`: (state, breach, response state, the due steps by clock)."""
	manager_after = cint(policy.manager_after_minutes)
	state, breach = state_of(row, policy, calendar, now)
	response_state, late = response_state_of(row, policy, calendar, now)
	steps = [
		*(
			("Resolution", s)
			for s in escalation.escalation_steps(cint(row.escalation_level), state, breach, manager_after)
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
	return state, breach, response_state, steps


def step_key(clock: str, complaint: str, level: int) -> str:
	return f"{KEY_PREFIXES[clock]}:{complaint}:{level}"


# What a pass writes on a complaint whose state changes or that climbs a ladder.
PASS_FIELDS = (
	"sla_status",
	"breach_minutes",
	"response_sla_status",
	"escalation_level",
	"response_escalation_level",
	"modified",
	"modified_by",
)
CHILD_TABLES = {"escalations": "CRM Complaint Escalation", "forwards": "CRM Complaint Forward"}


def escalate_chunk(chunk: list[tuple], now, counts: dict) -> None:
	"""One transaction of a pass, set-based: lock the chunk's complaints (one read, in name order) and
	keep those unchanged since the pass read them; claim their due steps (one INSERT IGNORE per
	thousand keys); load them as documents (one read per table); write the new states and levels in
	one UPDATE and the escalation rows in one INSERT; then run, for each complaint, what a document's
	save runs after its write (`Document.run_post_save_methods`: on_update with the document before
	the change, so the site's Notifications on Save or Value Change and its Webhooks fire; the
	version; on_change), each in its own savepoint. A complaint whose events fail is put back as it
	was (fields, rows and keys), the error logged, and judged again by the next pass."""
	names = sorted(row.name for row, *_ in chunk)
	stored = dict(
		frappe.db.sql(
			"select name, modified from `tabCRM Complaint` where name in %s order by name for update",
			(names,),
		)
	)
	# Changed since this pass read it (a user's save, an overlapping pass): judged again next pass.
	live = [
		item
		for item in chunk
		if item[0].name in stored and get_datetime(stored[item[0].name]) == get_datetime(item[0].modified)
	]
	if not live:
		return
	entries = [
		(
			step_key(clock, row.name, step.level),
			"CRM Complaint",
			row.name,
			(recipients_for(row, step) or [None])[0],
		)
		for row, steps, *_ in live
		for clock, step in steps
	]
	won = claim_many(entries)
	loaded = load_complaints([row.name for row, *_ in live])
	messages, stamp, user = reasons(), now_datetime(), frappe.session.user
	changed = []  # (document, before, its new rows, its claimed keys)
	for row, steps, state, breach, response_state in live:
		doc, before = loaded[row.name]
		taken = [(clock, step) for clock, step in steps if step_key(clock, row.name, step.level) in won]
		idx = max((cint(r.idx) for r in doc.escalations), default=0)
		rows = []
		for clock, step in taken:
			field = LEVEL_FIELDS[clock]
			doc.set(field, max(cint(doc.get(field)), step.level))
			for person in recipients_for(row, step) or [None]:
				idx += 1
				rows.append(
					doc.append(
						"escalations",
						{
							"name": frappe.generate_hash(length=10),
							"clock": clock,
							"level": step.level,
							"escalated_to": person,
							"target_role": step.target,
							"escalated_at": now,
							"reason": messages[step.reason],
							"alert_pending": 1 if person else 0,
							"idx": idx,
							"owner": user,
							"modified_by": user,
							"creation": stamp,
							"modified": stamp,
						},
					)
				)
		doc.update(
			{
				"sla_status": state,
				"breach_minutes": flt(breach),
				"response_sla_status": response_state,
				"modified": stamp,
				"modified_by": user,
			}
		)
		changed.append((doc, before, rows, [step_key(c, row.name, s.level) for c, s in taken]))
	write_complaints([doc for doc, *_ in changed])
	insert_rows([r for _doc, _before, rows, _keys in changed for r in rows])
	done = []  # written, with their events: their versions go in together
	for doc, before, rows, keys in changed:
		frappe.db.savepoint("crm_plus_escalation")
		try:
			after_write(doc, before, now)
		except Exception:
			frappe.db.rollback(save_point="crm_plus_escalation")
			# Nothing of this complaint stays: no level, no row, no claimed key without its escalation.
			write_complaints([before])
			if rows:
				frappe.db.sql(
					"delete from `tabCRM Complaint Escalation` where name in %s", ([r.name for r in rows],)
				)
			release(keys)
			frappe.log_error(title=_("CRM Plus: escalation of complaint {0} failed").format(doc.name))
			continue
		done.append((doc, before, rows))
		counts["updated"] += 1
		counts["escalated"] += len(keys)
	insert_many("Version", VERSION_FIELDS, versions_of(done))


def load_complaints(names: list[str]) -> dict:
	"""{name: (document, the same as it stands, for `doc_before_save`)}, read set-based: the complaints in
	one query and each child table in one, built as `Document.load_from_db` builds them."""
	rows = frappe.db.sql("select * from `tabCRM Complaint` where name in %s", (names,), as_dict=True)
	children: dict[tuple, list] = {}
	for field, child in CHILD_TABLES.items():
		for r in frappe.db.sql(
			f"""select * from `tab{child}` where parenttype = 'CRM Complaint' and parentfield = %s
			and parent in %s order by parent, idx""",
			(field, names),
			as_dict=True,
		):
			children.setdefault((r.parent, field), []).append(r)

	def build(row):
		data = {**row, "doctype": "CRM Complaint"}
		for field, child in CHILD_TABLES.items():
			data[field] = [{**r, "doctype": child} for r in children.get((row.name, field), [])]
		doc = frappe.get_doc(data)
		for d in (doc, *doc.get_all_children()):
			d._fix_numeric_types()
		return doc

	return {row.name: (build(row), build(row)) for row in rows}


def write_complaints(docs: list) -> None:
	"""The pass's fields of these complaints in one UPDATE joined to their values."""
	if not docs:
		return
	values = " union all ".join(
		"select "
		+ ", ".join(
			f"{frappe.db.escape(str(v)) if v is not None else 'null'}" + (f" as `{f}`" if i == 0 else "")
			for f, v in (("name", doc.name), *((f, doc.get(f)) for f in PASS_FIELDS))
		)
		for i, doc in enumerate(docs)
	)
	assignments = ", ".join(f"c.`{f}` = v.`{f}`" for f in PASS_FIELDS)
	frappe.db.sql(f"update `tabCRM Complaint` c join ({values}) v on v.name = c.name set {assignments}")


ROW_FIELDS = (
	"name",
	"parent",
	"parenttype",
	"parentfield",
	"idx",
	"owner",
	"modified_by",
	"creation",
	"modified",
	"clock",
	"level",
	"escalated_to",
	"target_role",
	"escalated_at",
	"reason",
	"alert_pending",
)
VERSION_FIELDS = ("name", "ref_doctype", "docname", "data", "owner", "modified_by", "creation", "modified")


def insert_rows(rows: list) -> None:
	"""New escalation rows, one INSERT per thousand."""
	insert_many("CRM Complaint Escalation", ROW_FIELDS, [[r.get(f) for f in ROW_FIELDS] for r in rows])


def insert_many(doctype: str, fields: tuple, values: list[list]) -> None:
	"""Rows the pass composed itself (names, users, its own texts), escaped, one INSERT per thousand."""
	columns = ", ".join(f"`{f}`" for f in fields)
	for start in range(0, len(values), 1000):
		rows = ", ".join(
			"(" + ", ".join(map(_sql_literal, row)) + ")" for row in values[start : start + 1000]
		)
		frappe.db.sql(f"insert into `tab{doctype}` ({columns}) values {rows}")


def formatted(doc, field: str):
	value = doc.get(field)
	return doc.get_formatted(field) if value else value


def _sql_literal(value) -> str:
	if value is None:
		return "null"
	if isinstance(value, int | float):
		return repr(value)
	return frappe.db.escape(str(value))


def versions_of(changed: list) -> list[list]:
	"""The Version rows Frappe's save would insert for each complaint, composed as `Version.get_diff`
	composes them for what a pass changes (its fields, and the escalation rows it added), with the
	app's Version hook applied (`mask_version`)."""
	from crm_plus.security.guards import mask_version

	stamp, user, values = now_datetime(), frappe.session.user, []
	for doc, before, rows in changed:
		changed = [
			f for f in PASS_FIELDS if f not in ("modified", "modified_by") and before.get(f) != doc.get(f)
		]
		data = {
			"changed": [[f, formatted(before, f), formatted(doc, f)] for f in changed],
			"added": [["escalations", r.as_dict()] for r in rows],
			"removed": [],
			"row_changed": [],
			"data_import": None,
			"updater_reference": None,
		}
		version = frappe._dict(
			ref_doctype="CRM Complaint", docname=doc.name, data=frappe.as_json(data, indent=None)
		)
		mask_version(version)
		values.append(
			[
				frappe.generate_hash(length=10),
				version.ref_doctype,
				doc.name,
				version.data,
				user,
				user,
				stamp,
				stamp,
			]
		)
	return values


def after_write(doc, before, now) -> None:
	"""What Frappe's save runs after writing a document (on_update, the cache, the realtime update, the
	version, on_change; the controller's on_update and the site's Notifications, Webhooks and server
	scripts with them), here after the pass's set-based write."""
	doc._doc_before_save = before
	doc._action = "save"
	doc.flags.sla_now = now
	doc.flags.ignore_permissions = True
	doc.flags.ignore_version = True  # the pass inserts the versions of its chunk together
	doc.run_post_save_methods()


DIGEST_AFTER = 3  # more complaints than this for one person in one pass: one alert listing them
DIGEST_LINK = "/app/crm-complaint"  # the bell opens the complaint list; the alert lists each one


def send_alerts(commit: bool = False) -> int:
	"""Alert everyone named by an escalation row still pending, batched per person: up to
	`DIGEST_AFTER` complaints each get their own alert (linked to the complaint), more get one alert
	listing them all. The rows are locked by name (a locking read sees what an overlapping pass
	committed), so of two passes only one alerts a row; a failure for one person leaves that person's
	rows pending for the next pass. Returns the number of alerts sent."""
	table = "tabCRM Complaint Escalation"
	pending = frappe.db.sql_list(
		f"select name from `{table}` where alert_pending = 1 and parenttype = 'CRM Complaint'"
	)
	if not pending:
		return 0
	rows = frappe.db.sql(
		f"""select e.name, e.parent, e.escalated_to, e.reason from `{table}` e
		where e.name in %s and e.alert_pending = 1 order by e.name for update""",
		(pending,),
		as_dict=True,
	)
	customers = dict(
		frappe.db.sql(
			"select name, customer_name from `tabCRM Complaint` where name in %s",
			(sorted({r.parent for r in rows}) or [""],),
		)
	)
	by_user: dict[str, list] = {}
	for r in rows:
		by_user.setdefault(r.escalated_to, []).append(r)
	sent = 0
	for user, items in sorted(by_user.items()):
		lines = [
			(
				r.parent,
				_("Complaint {0} of {1}: {2}").format(r.parent, customers.get(r.parent) or "", r.reason),
			)
			for r in items
		]
		frappe.db.savepoint("crm_plus_escalation_alerts")
		try:
			if len(lines) <= DIGEST_AFTER:
				for name, text in lines:
					notify(user, "CRM Complaint", name, text)
				sent += len(lines)
			else:
				complaints = sorted({name for name, _text in lines})
				subject = _("{0} complaint escalations for you ({1} complaints): {2}").format(
					len(lines),
					len(complaints),
					", ".join(complaints[:3]) + (", ..." if len(complaints) > 3 else ""),
				)
				notify_digest(
					user,
					"CRM Complaint",
					subject,
					lines,
					DIGEST_LINK,
				)
				sent += 1
			frappe.db.sql(
				f"update `{table}` set alert_pending = 0 where name in %s", ([r.name for r in items],)
			)
		except Exception:
			frappe.db.rollback(save_point="crm_plus_escalation_alerts")
			frappe.log_error(title=_("CRM Plus: escalation alerts to {0} failed").format(user))
	if commit:
		frappe.db.commit()
	return sent


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
