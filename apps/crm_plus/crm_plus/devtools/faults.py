"""Fault drills on a filled site, driven by scripts/fault-test.sh (each step a `bench execute` call, so
that a step can be killed like a worker): prepare a state, let a job die halfway, check what it left.

A check prints one JSON line of counts and returns them; `problems` lists what must never happen
(a grade written without its log, a duplicate escalation or notification).
"""

import json

import frappe
from frappe.utils import add_to_date, now_datetime

from crm_plus.domain.sla import OPEN_STATUSES


def _report(counts: dict) -> dict:
	print(json.dumps(counts, default=str))
	return counts


def prepare_regrade() -> str:
	"""Forget every active customer's grade, so that a regrade rewrites and logs all of them."""
	frappe.db.sql(
		"""update `tabCRM Customer` set grade = null, suggested_grade = null, grade_score = -1
		where disabled = 0 and grade_locked = 0"""
	)
	frappe.db.commit()
	marker = str(now_datetime())
	print(marker)
	return marker


def check_regrade(since: str) -> dict:
	active = "c.disabled = 0 and c.grade_locked = 0"
	counts = frappe.db.sql(
		f"""select count(*) as customers, sum(c.grade_score = -1) as not_regraded,
			sum(c.grade_score <> -1) as regraded from `tabCRM Customer` c where {active}""",
		as_dict=True,
	)[0]
	logs = frappe.db.sql(
		"""select customer, count(*) as n from `tabCRM Customer Grade Log`
		where changed_at >= %s group by customer""",
		since,
		as_dict=True,
	)
	logged = {r.customer: r.n for r in logs}
	graded_with_grade = set(
		frappe.db.sql_list(f"select name from `tabCRM Customer` c where {active} and c.grade is not null")
	)
	not_regraded = set(
		frappe.db.sql_list(f"select name from `tabCRM Customer` c where {active} and grade_score = -1")
	)
	problems = {
		"grade without its log": len(graded_with_grade - set(logged)),
		"log without its grade": len(set(logged) & not_regraded),
		"customers logged twice": sum(1 for n in logged.values() if n > 1),
	}
	return _report({**counts, "logged": len(logged), "problems": problems})


def breach_unescalated(count: int | None = None) -> tuple[list[str], object]:
	"""Make `count` open complaints (all when None) breached long ago and never escalated: their
	escalation rows, claimed keys and notifications removed. Not committed. Returns the names and
	the common `received_at` that marks them."""
	limit = f"limit {int(count)}" if count is not None else ""
	names = frappe.db.sql_list(
		f"""select name from `tabCRM Complaint` where status in %s and sla_policy is not null
		order by name {limit}""",
		(OPEN_STATUSES,),
	)
	received = add_to_date(now_datetime(), days=-10)
	frappe.db.sql(
		"""update `tabCRM Complaint` set received_at = %s, escalation_level = 0, sla_status = null,
			first_response_at = null, response_escalation_level = 0, response_sla_status = null
		where name in %s""",
		(received, names),
	)
	for table, type_column, column in (
		("CRM Complaint Escalation", "parenttype", "parent"),
		("CRM Sent Notification", "reference_doctype", "reference_name"),
		("Notification Log", "document_type", "document_name"),
	):
		frappe.db.sql(
			f"delete from `tab{table}` where `{type_column}` = 'CRM Complaint' and `{column}` in %s",
			(names,),
		)
	return names, received


def prepare_escalation(count: int = 500) -> dict:
	"""`count` open complaints breached long ago and never escalated, committed for the drill."""
	names, received = breach_unescalated(count)
	frappe.db.commit()
	return _report({"prepared": len(names), "received": received})


def check_escalation(received: str) -> dict:
	between = {"received": received}
	keys = frappe.db.sql(
		"""select count(*) from `tabCRM Sent Notification` where reference_doctype = 'CRM Complaint'
		and reference_name in (select name from `tabCRM Complaint` where received_at = %(received)s)""",
		between,
	)[0][0]
	rows = frappe.db.sql(
		"""select count(*) from `tabCRM Complaint Escalation` where parenttype = 'CRM Complaint'
		and parent in (select name from `tabCRM Complaint` where received_at = %(received)s)""",
		between,
	)[0][0]
	levels = frappe.db.sql(
		"""select count(*) from `tabCRM Complaint` where received_at = %(received)s
		and escalation_level > 0""",
		between,
	)[0][0]
	pending = frappe.db.sql(
		"""select count(*) from `tabCRM Complaint Escalation` where parenttype = 'CRM Complaint'
		and alert_pending = 1 and parent in (select name from `tabCRM Complaint` where received_at = %(received)s)""",
		between,
	)[0][0]
	problems = {
		"escalation rows twice": frappe.db.sql(
			"""select count(*) from (select 1 from `tabCRM Complaint Escalation`
			where parenttype = 'CRM Complaint' and parent in (select name from `tabCRM Complaint` where received_at = %(received)s)
			group by parent, clock, level, ifnull(escalated_to, '') having count(*) > 1) d""",
			between,
		)[0][0],
		# An alert names its complaint (one each) or lists many (a digest, one per person and pass): no
		# person gets the same complaint's escalation twice, alone or in a digest.
		"notifications twice": frappe.db.sql(
			"""select count(*) from (select 1 from `tabNotification Log`
			where document_type = 'CRM Complaint' and document_name in (select name from `tabCRM Complaint` where received_at = %(received)s)
			group by for_user, document_name, subject having count(*) > 1) d""",
			between,
		)[0][0]
		+ digests_twice(received),
		"level raised without a claimed key": frappe.db.sql(
			"""select count(*) from `tabCRM Complaint` c where c.received_at = %(received)s
			and c.escalation_level > 0 and not exists (select 1 from `tabCRM Sent Notification` s
				where s.reference_doctype = 'CRM Complaint' and s.reference_name = c.name)""",
			between,
		)[0][0],
		"claimed key without its escalation rows": frappe.db.sql(
			"""select count(*) from `tabCRM Sent Notification` s where s.reference_doctype = 'CRM Complaint'
			and s.reference_name in (select name from `tabCRM Complaint` where received_at = %(received)s) and not exists (
				select 1 from `tabCRM Complaint Escalation` e where e.parent = s.reference_name
				and e.parenttype = 'CRM Complaint'
				and e.level = cast(substring_index(s.`key`, ':', -1) as unsigned)
				and e.clock = if(s.`key` like 'complaint-response-escalation:%%', 'Response', 'Resolution'))""",
			between,
		)[0][0],
	}
	return _report(
		{
			"claimed keys": keys,
			"escalation rows": rows,
			"escalated complaints": levels,
			"alerts pending": pending,
			"problems": problems,
		}
	)


def digests_twice(received: str) -> int:
	"""(person, complaint, reason) lines listed in more than one alert to that person: the digests'
	lines read back from their content, the single alerts' from their subject."""
	import re
	from collections import Counter

	names = set(frappe.db.sql_list("select name from `tabCRM Complaint` where received_at = %s", received))
	seen: Counter = Counter()
	for user, subject, content, name in frappe.db.sql(
		"""select for_user, subject, email_content, document_name from `tabNotification Log`
		where document_type = 'CRM Complaint' and type = 'Alert'"""
	):
		if name in names:
			seen[(user, subject)] += 1
		for line in re.findall(r"<li><a [^>]*>(.*?)</a></li>", content or ""):
			if any(n in line for n in names):
				seen[(user, line)] += 1
	return sum(1 for n in seen.values() if n > 1)


PROBE = "crm_plus_fault_probe"


def enqueue_probe(marker: str) -> dict:
	"""Queue a job that records `marker` (on the short queue, which has no backlog of other jobs);
	raises when the queue cannot take it."""
	frappe.enqueue("crm_plus.devtools.faults.probe_job", queue="short", marker=marker)
	return _report({"queued": marker})


def probe_job(marker: str) -> None:
	frappe.db.set_global(PROBE, marker)
