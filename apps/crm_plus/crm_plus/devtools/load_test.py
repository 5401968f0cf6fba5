"""The working-day load test's server side (`scripts/load-test.sh` runs Locust with
`scripts/load/locustfile.py`): `prepare` writes what the simulated people need into a fixture file
and counts the tables the mix writes; `verify` reads the journal of writes the server acknowledged
and checks that each is in the database with the values sent, and that nothing else was added.

	bench --site SITE execute crm_plus.devtools.load_test.prepare --kwargs '{"out": "/tmp/f.json"}'
	bench --site SITE execute crm_plus.devtools.load_test.verify --kwargs '{"fixture": "/tmp/f.json", "journal": "/tmp/j.jsonl"}'

Run against a site holding the demo data (`crm_plus.devtools.demo.generate`), never a production site: it adds
a survey campaign with invitations, one more service agent per division and raises the public
complaint form's hourly cap (all before the counts are taken), and the load adds records.
"""

import json
import random
import traceback

import frappe
from frappe.utils import add_days, now_datetime

from crm_plus.crm_surveys.progress import recount
from crm_plus.devtools.demo import PASSWORD, make_user
from crm_plus.domain.public_links import new_token
from crm_plus.domain.surveys import PROGRESS_COUNTERS

# Tables whose rows the mix adds, and what adds them (checked against the journal).
COUNTED = {
	"CRM Visit": "visit",
	"CRM Activity": "activity",
	"CRM Complaint": "public_complaint",
	"CRM Survey Response": "survey",
	"CRM Opportunity Stage Log": "kanban_move",
	"Comment": "complaint_answer",
}
# Tables the mix must not add to at all.
UNCHANGED = ("CRM Customer", "CRM Opportunity", "CRM Lead", "CRM Customer Transaction", "CRM Contract")
OPEN_STAGES_SQL = """select name from `tabCRM Opportunity Stage`
	where ifnull(is_won, 0) = 0 and ifnull(is_lost, 0) = 0 order by stage_order"""
INVITATIONS = 6000
CAMPAIGN_PREFIX = "Load test"


def prepare(out: str, seed: int = 1) -> dict:
	try:
		return _prepare(out, seed)
	except Exception:
		traceback.print_exc()  # bench execute would hide it behind a NameError
		raise


def _prepare(out: str, seed: int) -> dict:
	rng = random.Random(seed)
	if not frappe.db.exists("CRM Customer", "D000001"):
		frappe.throw("No demo data on this site: run crm_plus.devtools.demo.generate first")
	reps = frappe.get_all(
		"User", {"name": ("like", "demo-rep-%"), "enabled": 1}, pluck="name", order_by="name"
	)
	managers = frappe.get_all(
		"User", {"name": ("like", "demo-mgr-%"), "enabled": 1}, pluck="name", order_by="name"
	)
	agents = add_agents()
	stages = [r[0] for r in frappe.db.sql(OPEN_STAGES_SQL)]

	rep_data = {}
	for rep in reps:
		customers = frappe.db.sql(
			"""select name, latitude, longitude from `tabCRM Customer`
			where account_manager = %s and disabled = 0 and ifnull(in_pool, 0) = 0
			order by rand(%s) limit 40""",
			(rep, rng.randint(1, 10**6)),
			as_dict=True,
		)
		located = [c for c in customers if c.latitude and c.longitude]
		opportunities = frappe.db.sql(
			f"""select name from `tabCRM Opportunity` where account_manager = %s and status = 'Open'
			and stage in ({OPEN_STAGES_SQL}) order by rand(%s) limit 40""",
			(rep, rng.randint(1, 10**6)),
			pluck=True,
		)
		rep_data[rep] = {
			"customers": [c.name for c in customers],
			"located": [[c.name, c.latitude, c.longitude] for c in located],
			"opportunities": opportunities,
		}

	from crm_plus.crm_surveys.api import questions_of

	template = "Customer Satisfaction"
	campaign = frappe.get_doc(
		{
			"doctype": "CRM Survey Campaign",
			"campaign_name": f"{CAMPAIGN_PREFIX} {now_datetime():%Y-%m-%d %H:%M:%S}",
			"template": template,
		}
	).insert(ignore_permissions=True)
	campaign.db_set("status", "Running")
	tokens = invite(campaign.name, INVITATIONS, rng)
	recount(campaign.name)  # the invitations went in bulk, past the counters
	answers = {
		q["id"]: ("5" if q["type"] == "Satisfaction" else "9" if q["type"] == "NPS" else "")
		for q in questions_of(template)
	}
	categories = frappe.get_all("CRM Complaint Category", {"is_group": 0}, pluck="name")
	# The public form's site-wide hourly cap (100 by default) would refuse the mix's guests after a
	# few minutes; the load test measures the work, so the cap goes up for the site under test.
	frappe.db.set_single_value("CRM Plus Settings", "web_complaints_per_hour", 0)
	frappe.db.commit()

	fixture = {
		"site": frappe.local.site,
		"password": PASSWORD,
		"reps": [r for r in reps if rep_data[r]["customers"]],
		"agents": agents,
		"managers": managers,
		"rep_data": rep_data,
		"stages": stages,
		"campaign": campaign.name,
		"tokens": tokens,
		"answers": answers,
		"categories": categories,
		"board": "Opportunities by Stage",
		"started": str(now_datetime()),
		"counts": counts(),
	}
	with open(out, "w") as f:
		json.dump(fixture, f, default=str)
	summary = {
		"reps": len(fixture["reps"]),
		"agents": len(agents),
		"managers": len(managers),
		"tokens": len(tokens),
		"counts": fixture["counts"],
	}
	print(json.dumps(summary))
	return summary


def add_agents() -> list[str]:
	"""One more service agent per division (demo has one), so that ten agents log in as themselves."""
	frappe.local.conf["throttle_user_limit"] = 100_000
	agents = []
	for division in frappe.get_all("CRM Division", pluck="name", order_by="name"):
		doc = frappe.get_doc("CRM Division", division)
		staff = [row.user for row in doc.service_staff]
		if not any(u.startswith("demo-agent-") for u in staff):
			continue
		first = next(u for u in staff if u.startswith("demo-agent-"))
		extra = first.replace("@", "-b@")
		make_user(extra, ["CRM Service Agent"], first_name="客服B")
		if extra not in staff:
			doc.append("service_staff", {"user": extra})
			doc.save(ignore_permissions=True)
		agents += [first, extra]
	frappe.db.commit()
	return agents


def invite(campaign: str, count: int, rng) -> list[str]:
	"""Invitations in bulk (one insert per thousand, not a document each)."""
	customers = frappe.db.sql(
		"select name, customer_name from `tabCRM Customer` where disabled = 0 order by rand(%s) limit %s",
		(rng.randint(1, 10**6), count),
	)
	now = now_datetime()
	expires = add_days(now, 2)
	rows, tokens = [], []
	for customer, customer_name in customers:
		token = new_token()
		tokens.append(token)
		rows.append(
			(
				frappe.generate_hash(length=12),
				campaign,
				customer,
				customer_name,
				"Web Link",
				"Sent",
				expires,
				now,
				token,
				now,
				"Administrator",
				"Administrator",
				now,
				0,
				0,
			)
		)
	for i in range(0, len(rows), 1000):
		frappe.db.bulk_insert(
			"CRM Survey Invitation",
			fields=[
				"name",
				"campaign",
				"customer",
				"customer_name",
				"channel",
				"status",
				"expires_at",
				"sent_at",
				"token",
				"creation",
				"owner",
				"modified_by",
				"modified",
				"docstatus",
				"idx",
			],
			values=rows[i : i + 1000],
		)
	return tokens


def counts() -> dict:
	return {dt: frappe.db.count(dt) for dt in (*COUNTED, *UNCHANGED)}


def verify(fixture: str, journal: str) -> dict:
	try:
		return _verify(fixture, journal)
	except Exception:
		traceback.print_exc()
		raise


def _verify(fixture_path: str, journal_path: str) -> dict:
	"""Every acknowledged write is in the database with the values sent; the rows added to each
	counted table are exactly the acknowledged inserts; the untouched tables kept their counts; the
	customers and opportunities changed since the start are only those the mix wrote to."""
	with open(fixture_path) as f:
		fixture = json.load(f)
	writes = []
	with open(journal_path) as f:
		for line in f:
			if line.strip():
				writes.append(json.loads(line))
	problems = []
	acknowledged = {}
	latest = {}  # (doctype, name) -> {field: the last value acknowledged}
	for w in writes:
		acknowledged[w["kind"]] = acknowledged.get(w["kind"], 0) + 1
		latest.setdefault((w["doctype"], w["name"]), {}).update(w["values"])
	for (doctype, name), values in latest.items():
		stored = frappe.db.get_value(doctype, name, list(values), as_dict=True)
		if not stored:
			problems.append(f"{doctype} {name}: not found")
			continue
		for field, sent in values.items():
			if not same(stored.get(field), sent):
				problems.append(f"{doctype} {name}: {field} is {stored.get(field)!r}, sent {sent!r}")
	before, after = fixture["counts"], counts()
	table = []
	for doctype, kind in COUNTED.items():
		added = after[doctype] - before[doctype]
		expected = acknowledged.get(kind, 0)
		if doctype == "Comment":
			# Frappe adds comments of its own (assignments, likes): count only the mix's type
			added = frappe.db.count(
				"Comment", {"comment_type": "Comment", "creation": (">=", fixture["started"])}
			)
		table.append({"table": doctype, "added": added, "acknowledged": expected})
		if added != expected:
			problems.append(f"{doctype}: {added} rows added, {expected} acknowledged")
	for doctype in UNCHANGED:
		if after[doctype] != before[doctype]:
			problems.append(f"{doctype}: {before[doctype]} rows before, {after[doctype]} after")
		table.append({"table": doctype, "added": after[doctype] - before[doctype], "acknowledged": 0})
	# Rows changed since the start: only those the mix wrote (a survey answer updates its customer's
	# latest score; a stage move its opportunity).
	started = fixture["started"]
	responses = [w["name"] for w in writes if w["doctype"] == "CRM Survey Response"]
	customers_written = {w["name"] for w in writes if w["doctype"] == "CRM Customer"} | set(
		frappe.get_all("CRM Survey Response", {"name": ("in", responses)}, pluck="customer")
		if responses
		else []
	)
	changed = set(frappe.get_all("CRM Customer", {"modified": (">=", started)}, pluck="name"))
	if extra := changed - customers_written:
		problems.append(f"CRM Customer changed without a write of the mix: {sorted(extra)[:10]}")
	moved = {w["name"] for w in writes if w["doctype"] == "CRM Opportunity"}
	changed = set(frappe.get_all("CRM Opportunity", {"modified": (">=", started)}, pluck="name"))
	if extra := changed - moved:
		problems.append(f"CRM Opportunity changed without a write of the mix: {sorted(extra)[:10]}")
	# The survey campaign's progress, kept by the guests' page views and answers, equals a full recount.
	counters = list(PROGRESS_COUNTERS)
	kept = frappe.db.get_value("CRM Survey Campaign", fixture["campaign"], counters, as_dict=True) or {}
	recounted = recount(fixture["campaign"])
	if dict(kept) != recounted:
		problems.append(f"CRM Survey Campaign progress kept {dict(kept)}, recounted {recounted}")
	result = {
		"writes": len(writes),
		"acknowledged": acknowledged,
		"tables": table,
		"survey_progress": recounted,
		"problems": problems,
	}
	print(json.dumps(result, indent=1, default=str))
	if problems:
		print(f"VERIFY FAILED: {len(problems)} problems")
	else:
		print(f"VERIFY OK: {len(writes)} acknowledged writes found with the values sent; nothing else added")
	return result


def same(stored, sent) -> bool:
	if isinstance(sent, float) or isinstance(stored, float):
		try:
			return abs(float(stored) - float(sent)) < 1e-6
		except (TypeError, ValueError):
			return False
	return str(stored if stored is not None else "") == str(sent if sent is not None else "")
