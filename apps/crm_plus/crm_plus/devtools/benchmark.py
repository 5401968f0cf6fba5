"""Benchmarks of the performance targets (shared/DESIGN.md), each beside its raw-SQL lower bound
measured in the same run, printed as ratios. Run on a site filled by crm_plus.devtools.demo (size "large"):

	bench --site SITE execute crm_plus.devtools.benchmark.run
	bench --site SITE execute crm_plus.devtools.benchmark.run --kwargs '{"survey_url": "http://127.0.0.1:8000"}'

The survey part posts answers one at a time and 50 at once to a running server (loopback only, gunicorn
with 4 workers), beside a Frappe Web Form made for the run, and is skipped without survey_url. Benchmarks change data the way the app does (grades, SLA states) and leave it so.
"""

import itertools
import json
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import frappe
from frappe.utils import add_days, add_to_date, now_datetime, today


def timed(fn, repeat: int = 1) -> tuple[list[float], object]:
	times, result = [], None
	for _ in range(repeat):
		start = time.perf_counter()
		result = fn()
		times.append(time.perf_counter() - start)
	return times, result


def require(done: bool, what: str) -> None:
	"""A benchmark whose work was refused or did nothing fails here, before any timing is printed."""
	if not done:
		raise AssertionError(f"benchmark refused: {what}")


def p95(values: list[float]) -> float:
	ordered = sorted(values)
	return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def line(name: str, value: float, bound: float, target: str) -> dict:
	ratio = value / bound if bound else float("inf")
	print(f"{name:<46} {value:9.3f} s   lower bound {bound:9.3f} s   ratio {ratio:6.2f}   target {target}")
	return {
		"name": name,
		"seconds": round(value, 4),
		"lower_bound": round(bound, 4),
		"ratio": round(ratio, 2),
		"target": target,
	}


def run(survey_url: str | None = None, only: str | None = None) -> list[dict]:
	"""All benchmarks, or `only` some of: regrade, report, list, escalation, funnel, survey, burst (the
	escalation burst alone), comma-separated."""
	counts = {
		dt: frappe.db.count(dt)
		for dt in ("CRM Customer", "CRM Customer Transaction", "CRM Visit", "CRM Complaint")
	}
	print("data:", json.dumps(counts))
	benches = {
		"regrade": bench_regrade,
		"report": bench_report,
		"list": bench_list,
		"escalation": bench_escalation,
		"funnel": bench_funnel,
	}
	if only and "burst" in only.split(","):  # the escalation burst alone, on 5k open complaints
		benches["burst"] = lambda: bench_escalation_burst(open_complaints(5000))
	if survey_url:
		benches["survey"] = lambda: bench_survey(survey_url)
	results = []
	for name, fn in benches.items():
		if only is None or name in only.split(","):
			result = fn()
			results += result if isinstance(result, list) else [result]
	frappe.db.commit()
	return results


def bench_regrade() -> dict:
	from crm_plus.crm_customers.grading import gather, load_config, regrade_customers

	config = load_config()
	raw, _ = timed(lambda: gather(None, frappe.utils.getdate(today()), config.window_days))
	# Make every grade stale so that the pass writes as much as a night after a rules change does.
	frappe.db.sql("update `tabCRM Customer` set grade_score = -1")
	full, result = timed(lambda: regrade_customers(None))
	print(f"  regrade changed {result['changed']} of {result['graded']} customers")
	require(result["graded"] > 0 and result["changed"] > 0, "the regrade graded or changed no customer")
	return line("nightly regrade of all customers", full[0], raw[0], "<= 30 s, <= 3x")


# Every table the Sales Rep Performance report reads, each as the plainest GROUP BY over the same
# period that yields its figures per rep: the report's lower bound is their sum, measured in the same run.
# REPORT_FIGURES names the report's figures each section yields (its first column is the rep; the open
# pipeline comes per rep and stage): bench_report checks that the report shows exactly these figures.
REPORT_FIGURES = (
	("sales", "gross_profit", "transactions"),
	("new_customers",),
	("converted",),
	("visits_planned", "visits_completed"),
	("key_customers", "key_customers_visited"),
	("complaints",),
	("satisfaction",),
	("target",),
	("new_leads",),
	("converted_leads",),
	("open_pipeline",),
	("won", "lost"),
)
REPORT_SECTIONS = (
	"""select sales_person, sum(amount), sum(gross_profit), count(*) from `tabCRM Customer Transaction`
	where posting_date between %(start)s and %(end)s group by sales_person""",
	"""select account_manager, count(*) from `tabCRM Customer`
	where creation >= %(start)s and creation < %(until)s group by account_manager""",
	"""select c.account_manager, count(distinct l.customer) from `tabCRM Customer Status Log` l
	join `tabCRM Customer` c on c.name = l.customer
	where l.to_status = 'First Purchase' and l.changed_at >= %(start)s and l.changed_at < %(until)s
	group by c.account_manager""",
	"""select sales_rep, count(*), sum(status = 'Completed') from `tabCRM Visit`
	where planned_start >= %(start)s and planned_start < %(until)s group by sales_rep""",
	"""select c.account_manager, count(distinct c.name), count(distinct v.customer) from `tabCRM Customer` c
	left join `tabCRM Visit` v on v.customer = c.name and v.status = 'Completed'
		and v.planned_start >= %(start)s and v.planned_start < %(until)s
	where c.disabled = 0 and c.grade in (select name from `tabCRM Customer Grade` where annual_visit_target > 0)
	group by c.account_manager""",
	"""select account_manager, count(*) from `tabCRM Complaint`
	where received_at >= %(start)s and received_at < %(until)s group by account_manager""",
	"""select account_manager, avg(average_score) from `tabCRM Survey Response`
	where submitted_at >= %(start)s and submitted_at < %(until)s and average_score is not null
	group by account_manager""",
	"""select sales_rep, sum(target_amount) from `tabCRM Sales Target`
	where from_date >= %(start)s and to_date <= %(end)s group by sales_rep""",
	"""select account_manager, count(*) from `tabCRM Lead`
	where creation >= %(start)s and creation < %(until)s group by account_manager""",
	"""select account_manager, count(*) from `tabCRM Lead`
	where converted_on >= %(start)s and converted_on < %(until)s group by account_manager""",
	"""select account_manager, stage, sum(expected_amount) from `tabCRM Opportunity`
	where status = 'Open' group by account_manager, stage""",
	"""select account_manager, sum(status = 'Won'), sum(status = 'Lost') from `tabCRM Opportunity`
	where status in ('Won', 'Lost') and stage_since >= %(start)s and stage_since < %(until)s
	group by account_manager""",
)


def bench_report() -> dict:
	# The report computed each time (`report`); `execute` would answer reruns from the cache.
	from crm_plus.crm_sales.report.sales_rep_performance.sales_rep_performance import report as execute

	filters = frappe._dict(from_date=add_days(today(), -365), to_date=today())
	args = {"start": filters.from_date, "end": filters.to_date, "until": add_days(filters.to_date, 1)}

	def raw():
		return [frappe.db.sql(sql, args) for sql in REPORT_SECTIONS]

	raw_times, report_times = [], []
	for _ in range(3):  # interleaved, so that both see the same load
		times, sections = timed(raw)
		raw_times += times
		times, result = timed(lambda: execute(filters))
		report_times += times
	rows = result[1]
	expected = {r[0] for r in sections[0] if r[0]}
	missing = expected - {r["rep"] for r in rows}
	require(
		bool(rows) and not missing,
		f"the report returned {len(rows)} rows, reps missing: {sorted(missing)[:5]}",
	)
	differ = report_differences(rows, sections)
	require(not differ, f"the report's figures differ from its lower bound's: {differ[:5]}")
	print(f"  {len(rows)} reps, lower bound: {len(REPORT_SECTIONS)} sections")
	return line("sales rep performance report, one year", min(report_times), min(raw_times), "<= 2 s, <= 2x")


def report_differences(rows: list[dict], sections: list) -> list[tuple]:
	"""(rep, figure, report, bound) wherever the report's row differs from what the bound computed: the
	bound is honest only when it yields the report's figures."""
	by_rep = {r["rep"]: r for r in rows}
	bound: dict[tuple[str, str], float] = {}
	for figures, section in zip(REPORT_FIGURES, sections, strict=True):
		for row in section:
			if not row[0]:
				continue
			if figures == ("open_pipeline",):  # (rep, stage, amount): the rep's sum over the stages
				key = (row[0], "open_pipeline")
				bound[key] = bound.get(key, 0.0) + float(row[2] or 0)
				continue
			for figure, value in zip(figures, row[1:], strict=True):
				bound[(row[0], figure)] = float(value or 0)
	differ = []
	for (rep, figure), value in sorted(bound.items()):
		shown = float((by_rep.get(rep) or {}).get(figure) or 0)
		if abs(shown - value) > max(0.01, 0.006 * abs(value)) and not (
			figure == "satisfaction" and round(value, 2) == shown
		):
			differ.append((rep, figure, shown, value))
	return differ


def bench_list() -> list[dict]:
	"""A rep's first page of customers against the administrator's, each call as a fresh request would
	make it (the permission scope rebuilt), the two users interleaved so that both see the same load.
	Twice: a rep with no assigned customers, and one with five assigned to them by colleagues."""
	from frappe.desk.form.assign_to import add as assign

	from crm_plus.security.scope import clear_scope_cache

	reps = frappe.get_all(
		"CRM Customer",
		filters={"account_manager": ("like", "demo-rep-%")},
		pluck="account_manager",
		distinct=True,
		order_by="account_manager",
		limit=2,
	)
	plain, assigned = reps[0], reps[1]
	have = frappe.db.count(
		"ToDo", {"allocated_to": assigned, "reference_type": "CRM Customer", "status": "Open"}
	)
	if have < 5:
		others = frappe.get_all(
			"CRM Customer", filters={"account_manager": plain}, pluck="name", limit=5 - have
		)
		for name in others:
			assign({"assign_to": [assigned], "doctype": "CRM Customer", "name": name, "description": "cover"})
		frappe.db.commit()
	have = frappe.db.count(
		"ToDo", {"allocated_to": assigned, "reference_type": "CRM Customer", "status": "Open"}
	)
	require(have >= 5, f"{assigned} has {have} customers assigned, not 5")
	# What the desk's list view sends (frappe.desk.reportview.get, through the app's override when
	# there is one), one page of 20, newest first.
	table = "`tabCRM Customer`"
	args = {
		"doctype": "CRM Customer",
		"fields": json.dumps([f"{table}.`{f}`" for f in ("name", "customer_name", "status", "grade")]),
		"order_by": f"{table}.`modified` desc",
		"start": 0,
		"page_length": 20,
	}
	method = "frappe.desk.reportview.get"
	desk_list = frappe.get_attr(
		(frappe.get_hooks("override_whitelisted_methods", {}).get(method) or [method])[-1]
	)

	def page(user):
		frappe.set_user(user)
		clear_scope_cache()
		frappe.local.form_dict = frappe._dict(args)
		return desk_list()

	def listing(user):
		start = time.perf_counter()
		rows = page(user)
		elapsed = time.perf_counter() - start
		require(bool(rows and rows["values"]), f"{user}'s customer list returned no rows")
		return elapsed

	def check_page(user):
		"""The page is the rule's: rows the one-query list of the rule also lists, as many, with the same
		times in the same order (rows of equal times may come in either order)."""
		shown = [row[0] for row in page(user)["values"]]
		frappe.set_user(user)
		clear_scope_cache()
		expected = frappe.get_list(
			"CRM Customer", fields=["name", "modified"], order_by="modified desc", limit_page_length=20
		)
		readable = frappe.get_list("CRM Customer", filters={"name": ("in", shown)}, pluck="name")
		times = dict(frappe.get_all("CRM Customer", {"name": ("in", shown)}, ["name", "modified"], as_list=1))
		require(
			set(shown) <= set(readable) and [times[n] for n in shown] == [r.modified for r in expected],
			f"{user}'s page differs from the rule's: {shown[:3]} / {[r.name for r in expected[:3]]}",
		)

	results = []
	for label, rep in (
		("a rep's customer list, 20 rows (p95)", plain),
		("  the same, 5 customers assigned", assigned),
	):
		for user in (rep, "Administrator"):  # warm up
			listing(user)
			check_page(user)
		rep_times, admin_times = [], []
		for _ in range(100):
			rep_times.append(listing(rep))
			admin_times.append(listing("Administrator"))
		median = statistics.median(rep_times) / statistics.median(admin_times)
		print(
			f"  {rep}: p95 {p95(rep_times) * 1000:.1f} ms, administrator p95 {p95(admin_times) * 1000:.1f} ms"
			f" (medians {statistics.median(rep_times) * 1000:.1f} / {statistics.median(admin_times) * 1000:.1f}"
			f" ms, ratio {median:.2f})"
		)
		results.append(line(label, p95(rep_times), p95(admin_times), "p95 <= 50 ms, <= 1.5x"))
	frappe.set_user("Administrator")
	return results


def bench_escalation() -> dict:
	from crm_plus.crm_complaints.service_level import escalate

	raw_times = open_complaints(5000)
	first, counts = timed(lambda: escalate())
	print(f"  escalation pass: {json.dumps(counts)}")
	require(counts["checked"] > 0, "the escalation pass checked no open complaint")
	second, counts = timed(lambda: escalate())
	print(f"  second pass (nothing new to escalate): {second[0]:.3f} s, {json.dumps(counts)}")
	steady = line("escalation pass, 5k open complaints", first[0], min(raw_times), "<= 5 s")
	return [steady, bench_escalation_burst(raw_times)]


def open_complaints(count: int) -> list[float]:
	"""At least `count` open complaints under the default policy (closed ones reopened, received three
	hours ago); returns the times of the raw read of the open queue, the passes' lower bound."""
	from crm_plus.domain.sla import OPEN_STATUSES

	policy = frappe.db.get_value("CRM SLA Policy", {"is_default": 1}, "name")
	open_now = frappe.db.count("CRM Complaint", {"status": ("in", OPEN_STATUSES)})
	if open_now < count:
		frappe.db.sql(
			f"""update `tabCRM Complaint` set status = 'In Progress', resolved_at = null, closed_at = null,
			sla_policy = %s, received_at = %s where status not in %s order by name limit {count - open_now}""",
			(policy, add_to_date(now_datetime(), hours=-3), OPEN_STATUSES),
		)
		frappe.db.commit()

	def raw():
		return frappe.db.sql(
			"""select c.name, c.status, c.received_at, c.sla_policy, cu.division from `tabCRM Complaint` c
			left join `tabCRM Customer` cu on cu.name = c.customer where c.status in %s""",
			(OPEN_STATUSES,),
		)

	raw_times, _ = timed(raw, 3)
	return raw_times


def bench_escalation_burst(raw_times) -> dict:
	"""The worst pass: every open complaint breached long ago and never escalated, so each one climbs
	both ladders at once (six steps) and its people are alerted. Run in one transaction that is rolled
	back, so that the data set keeps its escalation history. Fails unless every complaint was saved
	with its steps claimed and logged, and every alert sent."""
	from crm_plus.crm_complaints import service_level
	from crm_plus.devtools.faults import breach_unescalated

	frappe.db.commit()
	names, _received = breach_unescalated()
	burst, counts = timed(lambda: service_level.escalate(commit=False))
	print(f"  burst pass: {json.dumps(counts)}")
	steps = frappe.db.sql(
		"""select count(*) from `tabCRM Sent Notification` where reference_doctype = 'CRM Complaint'
		and reference_name in %s""",
		(names,),
	)[0][0]
	logged = frappe.db.sql(
		"""select count(distinct parent, clock, level) from `tabCRM Complaint Escalation`
		where parenttype = 'CRM Complaint' and parent in %s""",
		(names,),
	)[0][0]
	pending = frappe.db.count("CRM Complaint Escalation", {"alert_pending": 1, "parent": ("in", names)})
	print(
		f"  {len(names)} complaints, {steps} steps claimed, {logged} logged, {counts['alerts']} alerts"
		f" ({pending} pending); {steps / burst[0]:.0f} steps/s"
	)
	frappe.db.rollback()
	require(counts["escalated"] > 0, "the burst pass escalated nothing")
	require(counts["updated"] == len(names), f"{counts['updated']} of {len(names)} complaints saved")
	require(steps == logged == counts["escalated"] == 6 * len(names), "a step not claimed or not logged")
	require(pending == 0 and counts["alerts"] > 0, f"{pending} alerts left pending")
	return line(
		f"escalation burst, {len(names)} breached at once ({steps} steps)",
		burst[0],
		min(raw_times),
		"<= 60 s",
	)


WEB_FORM_DOCTYPE = "CRM Bench Web Form Entry"  # made and removed by bench_survey
WEB_FORM_ROUTE = "crm-bench-web-form"


def make_web_form() -> str:
	"""A throwaway DocType (custom, no app code) and a Web Form on it open to guests: the framework's
	own public submit of one record, the yardstick of the survey's."""
	drop_web_form()
	frappe.get_doc(
		{
			"doctype": "DocType",
			"name": WEB_FORM_DOCTYPE,
			"module": "CRM Setup",
			"custom": 1,
			"autoname": "hash",
			"fields": [
				{"fieldname": "full_name", "label": "Full Name", "fieldtype": "Data"},
				{"fieldname": "email", "label": "Email", "fieldtype": "Data"},
				{"fieldname": "delivery", "label": "Delivery", "fieldtype": "Int"},
				{"fieldname": "staff", "label": "Staff", "fieldtype": "Int"},
				{"fieldname": "recommend", "label": "Recommend", "fieldtype": "Int"},
				{"fieldname": "improve", "label": "Improve", "fieldtype": "Small Text"},
			],
			"permissions": [{"role": "System Manager", "read": 1, "write": 1, "create": 1}],
		}
	).insert(ignore_permissions=True)
	form = frappe.get_doc(
		{
			"doctype": "Web Form",
			"title": "CRM Bench Web Form",
			"route": WEB_FORM_ROUTE,
			"doc_type": WEB_FORM_DOCTYPE,
			"module": "CRM Setup",
			"published": 1,
			"login_required": 0,
			"web_form_fields": [
				{"fieldname": f, "label": f.title(), "fieldtype": t}
				for f, t in (
					("full_name", "Data"),
					("email", "Data"),
					("delivery", "Int"),
					("staff", "Int"),
					("recommend", "Int"),
					("improve", "Small Text"),
				)
			],
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()
	return form.name


def drop_web_form() -> None:
	for name in frappe.get_all("Web Form", {"doc_type": WEB_FORM_DOCTYPE}, pluck="name"):
		frappe.delete_doc("Web Form", name, force=True, ignore_permissions=True)
	if frappe.db.exists("DocType", WEB_FORM_DOCTYPE):
		frappe.delete_doc("DocType", WEB_FORM_DOCTYPE, force=True, ignore_permissions=True)
	frappe.db.commit()


def survey_links(prefix: str, customers: list[str]) -> tuple:
	"""A running campaign of the shipped template made for a run, and one fresh link (token) for each
	customer, committed: (the campaign, the tokens)."""
	from crm_plus.domain.public_links import new_token

	campaign = frappe.get_doc(
		{
			"doctype": "CRM Survey Campaign",
			"campaign_name": f"{prefix} {frappe.generate_hash(length=6)}",
			"template": "Customer Satisfaction",
		}
	).insert()
	# Answers are accepted only while a campaign runs; the invitations are made here, not drawn.
	campaign.db_set("status", "Running")
	tokens = []
	for customer in customers:
		token = new_token()
		frappe.get_doc(
			{
				"doctype": "CRM Survey Invitation",
				"campaign": campaign.name,
				"customer": customer,
				"token": token,
				"expires_at": add_days(now_datetime(), 1),
			}
		).insert()
		tokens.append(token)
	frappe.db.commit()
	return campaign, tokens


def bench_survey(url: str) -> list[dict]:
	"""The public survey submit beside a Frappe Web Form submit of one record, on the same server
	(gunicorn, loopback only), measured side by side in one run: one at a time (median of 40 each,
	interleaved) and 50 guests at once (p95 of two rounds each, in the order form, survey, survey,
	form), each request from its own address (X-Forwarded-For,
	which Frappe takes as the guest's address, so no guest meets another's rate limit). Fails unless
	every submission was accepted and stored, and every answer's follow-up done afterwards."""
	import requests

	from crm_plus.crm_surveys.api import follow_up_pending, questions_of

	if not url.startswith(("http://127.", "http://localhost")):
		frappe.throw("The survey benchmark only targets loopback")
	template = "Customer Satisfaction"
	campaign, tokens = survey_links("Load", frappe.get_all("CRM Customer", limit=140, pluck="name"))
	web_form = make_web_form()
	kinds = {"Satisfaction": "5", "NPS": "9", "Text": "Faster delivery, please"}
	answers = {
		q["id"]: kinds.get(q["type"]) or (q["options"] or "").split("\n")[0] for q in questions_of(template)
	}
	host, count = frappe.local.site, itertools.count(1)  # next() on a count is atomic: one address each
	session = requests.Session()

	def post(path, body, form: bool):
		start = time.perf_counter()
		r = session.post(
			f"{url}{path}",
			**({"data": body} if form else {"json": body}),
			headers={"Host": host, "X-Forwarded-For": f"10.{(i := next(count)) // 250}.{i % 250}.1"},
			timeout=60,
		)
		return time.perf_counter() - start, r

	def survey(token):
		seconds, r = post(
			"/api/method/crm_plus.crm_surveys.api.submit", {"token": token, "answers": answers}, False
		)
		return seconds, r.status_code == 200 and bool((r.json().get("message") or {}).get("ok"))

	def form(i):
		data = {"full_name": f"Guest {i}", "email": f"guest{i}@example.com", "delivery": 5, "staff": 5}
		data |= {"recommend": 9, "improve": "Faster delivery"}
		body = {"web_form": web_form, "data": json.dumps(data)}
		seconds, r = post("/api/method/frappe.website.doctype.web_form.web_form.accept", body, True)
		return seconds, r.status_code == 200

	try:
		for i in range(8):  # warm every worker's caches for both (a forged link stores nothing)
			form(-i)
			survey(f"warm-up-{i}-{frappe.generate_hash(length=20)}")
		singles_survey, singles_form = [], []
		for i, token in enumerate(tokens[:40]):  # one at a time, interleaved
			singles_survey.append(survey(token))
			singles_form.append(form(i))
		burst_form, burst_survey = [], []
		with ThreadPoolExecutor(max_workers=50) as pool:  # two rounds each, in the order F S S F
			burst_form += pool.map(form, range(100, 150))
			burst_survey += pool.map(survey, tokens[40:90])
			burst_survey += pool.map(survey, tokens[90:140])
			burst_form += pool.map(form, range(150, 200))
		frappe.db.rollback()  # a fresh snapshot: see what the server committed
		stored = frappe.db.count("CRM Survey Response", {"campaign": campaign.name})
		forms = frappe.db.count(WEB_FORM_DOCTYPE)
	finally:
		drop_web_form()
	ok = sum(good for _s, good in singles_survey + burst_survey)
	ok_forms = sum(good for _s, good in singles_form + burst_form)
	print(f"  survey: {ok} of 140 accepted, {stored} responses stored; web form: {ok_forms} of 140 accepted")
	require(ok == len(tokens) == 140, f"{ok} of {len(tokens)} survey submissions accepted")
	require(stored == ok, f"{ok} submissions accepted but {stored} responses stored")
	require(ok_forms == 140 and forms >= 140, f"{ok_forms} web form submissions accepted, {forms} stored")
	# What follows from the answers runs after them (the queue's job, or here the sweep): all of it.
	follow_up_pending()
	frappe.db.commit()
	left = frappe.db.count("CRM Survey Response", {"campaign": campaign.name, "follow_up_pending": 1})
	answered = frappe.db.get_value("CRM Survey Campaign", campaign.name, "answered")
	print(f"  follow-ups left pending: {left}; campaign progress counts {answered} answered")
	require(left == 0 and answered == 140, f"{left} follow-ups pending, {answered} answers counted")
	one = statistics.median(s for s, _g in singles_survey)
	one_form = statistics.median(s for s, _g in singles_form)
	return [
		line("survey submit, one at a time (median)", one, one_form, "<= 1.2x a Web Form submit"),
		line(
			"50 concurrent survey submissions (p95)",
			p95([s for s, _g in burst_survey]),
			p95([s for s, _g in burst_form]),
			"<= 1.2x a Web Form submit, none lost",
		),
	]


# The fields the Kanban view asks for (frappe.desk.reportview.get with the list's fields).
KANBAN_FIELDS = [
	"name",
	"owner",
	"creation",
	"modified",
	"modified_by",
	"_user_tags",
	"_comments",
	"_assign",
	"_liked_by",
	"docstatus",
	"idx",
	"title",
	"stage",
	"status",
	"expected_amount",
	"expected_close_date",
	"party_name",
]


def bench_funnel() -> list[dict]:
	"""The Sales Funnel report for one year (the administrator's and a rep's) and the Kanban board's
	cards for a rep (the list call the board makes: every card the rep may see, newest first), each
	beside the raw SQL that computes the same without permission conditions or framework."""
	from crm_plus.crm_sales.report.sales_funnel.sales_funnel import report as execute
	from crm_plus.security.scope import clear_scope_cache

	print("data:", json.dumps({dt: frappe.db.count(dt) for dt in ("CRM Lead", "CRM Opportunity")}))
	start, end = add_days(today(), -365), today()
	filters = frappe._dict(from_date=start, to_date=end)
	rep = frappe.db.sql(
		"""select account_manager from `tabCRM Opportunity` where account_manager like 'demo-rep-%%'
		group by account_manager order by count(*) desc limit 1"""
	)[0][0]

	def raw(where: str, args: tuple):
		frappe.db.sql(
			f"""select stage, count(*), sum(expected_amount) from `tabCRM Opportunity` o
			where o.creation >= %s and o.creation < %s {where} group by stage""",
			args,
		)
		frappe.db.sql(
			f"""select f.furthest, count(*) from (select max(s.stage_order) as furthest
			from `tabCRM Opportunity` o join `tabCRM Opportunity Stage Log` l on l.opportunity = o.name
			join `tabCRM Opportunity Stage` s on s.name = l.to_stage and s.is_lost = 0
			where o.creation >= %s and o.creation < %s {where} group by o.name) f group by f.furthest""",
			args,
		)
		frappe.db.sql(
			f"""select l.from_stage, sum(l.days_in_previous_stage), count(*)
			from `tabCRM Opportunity` o join `tabCRM Opportunity Stage Log` l on l.opportunity = o.name
			where o.creation >= %s and o.creation < %s {where} and l.from_stage is not null
			group by l.from_stage""",
			args,
		)

	def as_user(user, fn):
		def call():
			frappe.set_user(user)
			clear_scope_cache()
			return fn()

		return call

	until = add_days(end, 1)
	results = []
	require(bool(as_user(rep, lambda: execute(filters))()[1]), "the Sales Funnel returned no rows")
	raw_times, _ = timed(lambda: raw("", (start, until)), 3)
	report_times, _ = timed(as_user("Administrator", lambda: execute(filters)), 3)
	results.append(line("sales funnel report, one year", min(report_times), min(raw_times), "<= 2x"))
	raw_times, _ = timed(lambda: raw("and o.account_manager = %s", (start, until, rep)), 3)
	report_times, _ = timed(as_user(rep, lambda: execute(filters)), 3)
	results.append(line("  the same as a rep", min(report_times), min(raw_times), "<= 2x"))

	def board():
		return frappe.get_list(
			"CRM Opportunity", fields=KANBAN_FIELDS, order_by="modified desc", limit_page_length=0
		)

	def board_raw():
		return frappe.db.sql(
			f"""select {", ".join(f"`{f}`" for f in KANBAN_FIELDS)} from `tabCRM Opportunity`
			where account_manager = %s order by modified desc""",
			rep,
		)

	cards = len(as_user(rep, board)())
	require(cards > 0, f"{rep} sees no card on the board")
	raw_times, _ = timed(board_raw, 20)
	board_times, _ = timed(as_user(rep, board), 20)
	print(f"  {rep}: {cards} cards on the board")
	results.append(line("kanban board cards of a rep (p95)", p95(board_times), p95(raw_times), "<= 2x"))

	# Opening a board, the desk also sends every card it shows in its column (update_order).
	from crm_plus.crm_sales.kanban import BOARD, update_kanban_order

	shown = as_user(rep, board)()
	order: dict[str, list[str]] = {}
	for card in shown:
		order.setdefault(card.stage, []).append(card.name)
	names = [c.name for c in shown]

	def order_raw():
		return frappe.db.sql("select name, stage from `tabCRM Opportunity` where name in %s", (names,))

	answer = as_user(rep, lambda: update_kanban_order(BOARD, json.dumps(order)))()
	require(
		isinstance(answer, tuple) and answer[0].name == BOARD and answer[1] == [],
		f"the card order call did not judge the {len(names)} cards on the app's board: {answer!r:.200}",
	)
	raw_times, order_times = [], []
	for _ in range(9):  # interleaved, so that both see the same load
		raw_times += timed(order_raw)[0]
		order_times += timed(as_user(rep, lambda: update_kanban_order(BOARD, json.dumps(order))))[0]
	print(
		f"  card order medians {statistics.median(order_times) * 1000:.1f} / "
		f"{statistics.median(raw_times) * 1000:.1f} ms, ratio "
		f"{statistics.median(order_times) / statistics.median(raw_times):.2f}"
	)
	results.append(
		line("  the board's card order on opening (p95)", p95(order_times), p95(raw_times), "<= 1.5x")
	)
	frappe.set_user("Administrator")
	return results
