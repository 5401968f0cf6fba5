"""Scheduled jobs of visits: missed visits, reminders, daily digests, plan completion, coverage.

Each gathers with set-based queries, decides with crm_plus.domain.visits, and claims a key in
CRM Sent Notification before notifying, so a rerun (or two overlapping runs) sends nothing twice.
"""

import frappe
from frappe import _
from frappe.utils import add_to_date, cint, flt, getdate, now_datetime, today

from crm_plus.crm_visits.followups import followups_overdue, sales_followups_overdue
from crm_plus.domain import visits
from crm_plus.notifications import claim, notify
from crm_plus.utils import bulk_set, each_isolated


def settings():
	return frappe.get_cached_doc("CRM Plus Settings")


def mark_missed_visits(now=None) -> int:
	"""Planned visits past their end (or start) by the grace time become Missed: one UPDATE."""
	cutoff = visits.overdue_cutoff(now or now_datetime(), cint(settings().missed_after_minutes))
	names = frappe.db.sql_list(
		"""select name from `tabCRM Visit`
		where status = 'Planned' and coalesce(planned_end, planned_start) < %(cutoff)s""",
		{"cutoff": cutoff},
	)
	if names:
		frappe.db.sql(
			"""update `tabCRM Visit` set status = 'Missed', modified = %(now)s
			where status = 'Planned' and name in %(names)s""",
			{"names": tuple(names), "now": now_datetime()},
		)
	return len(names)


def send_visit_reminders(now=None) -> int:
	now = now or now_datetime()
	lead = cint(settings().visit_reminder_minutes) or 60
	rows = frappe.db.sql(
		"""select name, customer, customer_name, sales_rep, planned_start, status from `tabCRM Visit`
		where status = 'Planned' and planned_start between %(now)s and %(horizon)s""",
		{"now": now, "horizon": add_to_date(now, minutes=lead)},
		as_dict=True,
	)
	names = {r.name: r for r in rows}

	def remind(reminder) -> bool:
		if not claim(reminder["key"], "CRM Visit", reminder["visit"], reminder["rep"]):
			return False
		row = names[reminder["visit"]]
		notify(
			reminder["rep"],
			"CRM Visit",
			reminder["visit"],
			_("Visit to {0} starts in {1} minutes").format(row.customer_name, reminder["minutes_until"]),
		)
		return True

	return each_isolated(
		visits.reminders_due(rows, now, lead), remind, _("CRM Plus: a visit reminder failed")
	)


def send_daily_digests(as_of=None) -> int:
	day = getdate(as_of or today())
	todays = frappe.db.sql(
		"""select name, customer, customer_name, sales_rep, planned_start, status from `tabCRM Visit`
		where planned_start >= %(day)s and planned_start < %(next)s""",
		{"day": day, "next": add_to_date(day, days=1)},
		as_dict=True,
	)
	digests = visits.daily_digest(
		todays, followups_overdue(day), day=day, overdue_sales=sales_followups_overdue(day)
	)

	def send(item) -> bool:
		rep, digest = item
		if not claim(digest["key"], "User", rep, rep):
			return False
		message = _("Today: {0} visits planned, {1} customers overdue for a follow-up").format(
			digest["visit_count"], digest["followup_count"]
		)
		if digest["sales_followup_count"]:
			message += " " + _("and {0} open leads and opportunities").format(digest["sales_followup_count"])
		notify(rep, "User", rep, message)
		return True

	return each_isolated(digests.items(), send, _("CRM Plus: a daily digest failed"))


def update_plan_completion() -> int:
	"""Daily: the completion rate of every approved plan of the last month, from one query over the
	plans' rows and their visits; only changed rates are written, in one UPDATE."""
	rows = frappe.db.sql(
		"""select p.name as plan, p.completion_rate, i.customer, ifnull(v.status = 'Completed', 0) as done
		from `tabCRM Visit Plan` p
		join `tabCRM Visit Plan Item` i on i.parent = p.name and i.parenttype = 'CRM Visit Plan'
		left join `tabCRM Visit` v on v.name = i.visit
		where p.docstatus = 1 and p.period_end >= %(since)s""",
		{"since": add_to_date(today(), days=-31)},
		as_dict=True,
	)
	plans: dict[str, dict] = {}
	for r in rows:
		plan = plans.setdefault(r.plan, {"stored": flt(r.completion_rate), "planned": [], "done": []})
		plan["planned"].append(r.customer)
		if cint(r.done):
			plan["done"].append(r.customer)
	changed = []
	for name, plan in plans.items():
		rate = visits.plan_completion(plan["planned"], plan["done"])
		value = flt(rate) * 100 if rate is not None else 0
		if abs(value - plan["stored"]) > 0.005:
			changed.append((name, value))
	bulk_set("CRM Visit Plan", "completion_rate", changed)
	return len(plans)


def coverage_report(as_of=None) -> dict:
	"""Visit coverage of customers with an annual target (年拜访率), for the year to date."""
	as_of = getdate(as_of or today())
	year_start = as_of.replace(month=1, day=1)
	targets = dict(frappe.get_all("CRM Customer Grade", fields=["name", "annual_visit_target"], as_list=True))
	graded = [g for g, t in targets.items() if cint(t)]
	if not graded:
		return visits.coverage([], {}, {}, as_of, year_start)
	customers = frappe.db.sql(
		"""select name, grade, account_manager, status, disabled from `tabCRM Customer`
		where disabled = 0 and grade in %(grades)s""",
		{"grades": tuple(graded)},
		as_dict=True,
	)
	counts = dict(
		frappe.db.sql(
			"""select v.customer, count(*) from `tabCRM Visit` v join `tabCRM Customer` c on c.name = v.customer
			where v.status = 'Completed' and c.grade in %(grades)s
				and date(coalesce(v.check_out_at, v.planned_start)) between %(start)s and %(as_of)s
			group by v.customer""",
			{"grades": tuple(graded), "start": year_start, "as_of": as_of},
		)
	)
	return visits.coverage(customers, counts, {g: cint(t) for g, t in targets.items()}, as_of, year_start)


def notify_coverage_gaps(as_of=None) -> int:
	"""Weekly: each rep hears how many of their key customers are behind the visit target."""
	as_of = getdate(as_of or today())
	behind: dict[str, int] = {}
	for row in coverage_report(as_of)["rows"]:
		if row["behind"] and row["rep"]:
			behind[row["rep"]] = behind.get(row["rep"], 0) + 1
	week = as_of.isocalendar()

	def warn(item) -> bool:
		rep, count = item
		if not claim(f"visit-coverage:{rep}:{week[0]}-W{week[1]}", "User", rep, rep):
			return False
		notify(
			rep,
			"User",
			rep,
			_("{0} of your key customers are behind their visit target for the year").format(count),
		)
		return True

	return each_isolated(behind.items(), warn, _("CRM Plus: a visit coverage warning failed"))
