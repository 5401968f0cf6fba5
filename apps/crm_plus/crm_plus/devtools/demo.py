"""Demo and scale data: a company with divisions, a three-level sales tree, customers, transactions,
visits, complaints, survey answers, contracts, activities and a lead pool, reproducible from a seed and inserted in bulk.

	bench --site SITE execute crm_plus.devtools.demo.generate --kwargs '{"size": "demo"}'
	bench --site SITE execute crm_plus.devtools.demo.generate --kwargs '{"size": "large", "seed": 1}'

Sizes: demo (300 customers), medium (10k) and large (100k customers, 1M transactions, 300k visits,
100k complaints, 20k survey responses, 50 reps, 5 divisions). Records are named with a D prefix so
that a second run adds nothing (it stops when the demo data is already there).
"""

import json
import random
from datetime import datetime, timedelta

import frappe
from frappe.utils import now_datetime

from crm_plus.crm_surveys.progress import recount
from crm_plus.party_checks import fill_phone_keys

SIZES = {
	"demo": {
		"customers": 300,
		"transactions": 3_000,
		"visits": 900,
		"complaints": 300,
		"responses": 100,
		"reps": 12,
		"divisions": 3,
	},
	"medium": {
		"customers": 10_000,
		"transactions": 100_000,
		"visits": 30_000,
		"complaints": 10_000,
		"responses": 2_000,
		"reps": 30,
		"divisions": 5,
	},
	"large": {
		"customers": 100_000,
		"transactions": 1_000_000,
		"visits": 300_000,
		"complaints": 100_000,
		"responses": 20_000,
		"reps": 50,
		"divisions": 5,
	},
}
DIVISIONS = ["华北事业部", "华东事业部", "华南事业部", "西部事业部", "国际事业部"]
CITIES = ["北京", "上海", "广州", "深圳", "天津", "秦皇岛", "杭州", "南京", "成都", "武汉", "西安", "重庆"]
WORDS = [
	"恒通",
	"宏达",
	"华鑫",
	"远大",
	"金鼎",
	"瑞丰",
	"新世纪",
	"东方",
	"长城",
	"盛世",
	"天成",
	"正大",
	"鸿运",
	"汇丰",
	"永安",
]
TRADES = ["电器", "超市", "物流", "置业", "科技", "贸易", "制造", "医药", "食品", "建材"]
SUFFIXES = ["有限公司", "股份有限公司", "集团", "商行"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚"
STATUSES = ["Potential", "Target", "First Purchase", "Repeat", "Repeat", "Loyal", "At Risk", "Lost"]
CATEGORIES = (
	["Delivery Delay"] * 9
	+ ["Inconsistent Answers Between Departments"] * 5
	+ ["Damage"] * 3
	+ ["Staff Attitude"] * 2
	+ ["Billing"]
)
CHUNK = 5_000
PASSWORD = "Crm-Demo-Pass-2026!"


def generate(size: str = "demo", seed: int = 7) -> dict:
	if size not in SIZES:
		frappe.throw(f"size must be one of {', '.join(SIZES)}")
	if frappe.db.exists("CRM Customer", "D000001"):
		print("Demo data is already there: nothing added.")
		return {"added": 0}
	n = SIZES[size]
	rng = random.Random(seed)
	frappe.local.conf["throttle_user_limit"] = 100_000
	start = datetime.now()
	org = make_org(rng, n["reps"], n["divisions"])
	customers = make_customers(rng, n["customers"], org)
	make_transactions(rng, n["transactions"], customers)
	make_visits(rng, n["visits"], customers)
	make_complaints(rng, n["complaints"], customers, org)
	make_responses(rng, n["responses"], customers)
	make_sales(rng, size, customers, org)
	make_contracts_activities_and_pool(rng, max(10, n["customers"] // 10), customers, org)
	make_visit_plans(rng, customers)
	fill_phone_keys()  # rows written in bulk: the keys duplicate checks compare phones by
	frappe.db.commit()
	from crm_plus.crm_customers.grading import regrade_customers

	progress("Grading customers", 0, 1)
	regrade_customers(None)
	frappe.db.commit()
	progress("Grading customers", 1, 1)
	summary = {
		k: frappe.db.count(dt)
		for k, dt in (
			("customers", "CRM Customer"),
			("transactions", "CRM Customer Transaction"),
			("visits", "CRM Visit"),
			("complaints", "CRM Complaint"),
			("responses", "CRM Survey Response"),
		)
	}
	summary["seconds"] = round((datetime.now() - start).total_seconds(), 1)
	print(json.dumps(summary))
	return summary


def progress(title: str, done: int, total: int) -> None:
	width = 30
	filled = int(width * done / max(total, 1))
	print(
		f"\r{title:<24} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}",
		end="" if done < total else "\n",
		flush=True,
	)


def bulk(doctype: str, fields: list[str], rows: list[tuple], title: str) -> None:
	now = now_datetime()
	total = len(rows)
	for i in range(0, total, CHUNK):
		chunk = rows[i : i + CHUNK]
		frappe.db.bulk_insert(
			doctype,
			fields=[*fields, "owner", "modified_by", "modified", "docstatus", "idx"],
			values=[(*r, "Administrator", "Administrator", now, 0, 0) for r in chunk],
		)
		progress(title, min(i + CHUNK, total), total)
	if not total:
		progress(title, 0, 0)


def make_org(rng, reps: int, divisions: int) -> dict:
	"""Divisions with a head, a three-level tree (division team > regional team > sales team), reps."""
	org = {"reps": [], "team_of": {}, "division_of_team": {}, "managers": [], "agents": []}
	names = DIVISIONS[:divisions]
	per_division = max(1, reps // divisions)
	count = 0
	for d, division in enumerate(names, start=1):
		head = make_user(
			f"demo-head-{d}@crm-demo.example", ["CRM Division Head"], first_name=f"{SURNAMES[d]}总"
		)
		agent = make_user(f"demo-agent-{d}@crm-demo.example", ["CRM Service Agent"], first_name=f"客服{d}")
		org["agents"].append(agent)
		if not frappe.db.exists("CRM Division", division):
			frappe.get_doc(
				{
					"doctype": "CRM Division",
					"division_name": division,
					"division_head": head,
					"service_staff": [{"user": agent}],
				}
			).insert(ignore_permissions=True)
		top_manager = make_user(
			f"demo-mgr-{d}@crm-demo.example",
			["CRM Sales Manager", "CRM Sales User"],
			first_name=f"{SURNAMES[d + 5]}经理",
		)
		top = team(f"{division}销售部", division, top_manager, None, 1)
		for r in range(2):
			regional_manager = make_user(
				f"demo-mgr-{d}-{r}@crm-demo.example",
				["CRM Sales Manager", "CRM Sales User"],
				first_name=f"{SURNAMES[d + r + 8]}主管",
			)
			regional = team(
				f"{division}{CITIES[(d + r) % len(CITIES)]}组", division, regional_manager, top, 0
			)
			for _ in range(per_division // 2 + (1 if r == 0 and per_division % 2 else 0)):
				count += 1
				if count > reps:
					break
				rep = make_user(
					f"demo-rep-{count:02d}@crm-demo.example",
					["CRM Sales User"],
					first_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
				)
				member(regional, rep)
				org["reps"].append(rep)
				org["team_of"][rep] = regional
				org["division_of_team"][regional] = division
	make_leaders(names[0])
	frappe.db.commit()
	return org


def make_leaders(division: str) -> None:
	"""The roles of the README's tour beyond the sales tree and the agents: an executive, a service
	supervisor serving the first division, and a CRM Admin."""
	make_user("demo-executive@crm-demo.example", ["CRM Executive"], first_name="王总裁")
	supervisor = make_user(
		"demo-supervisor@crm-demo.example", ["CRM Service Supervisor"], first_name="客服主管"
	)
	make_user("demo-admin@crm-demo.example", ["CRM Admin"], first_name="马管理员")
	doc = frappe.get_doc("CRM Division", division)
	if supervisor not in {m.user for m in doc.service_staff}:
		doc.append("service_staff", {"user": supervisor})
		doc.save(ignore_permissions=True)


def make_user(email: str, roles: list[str], first_name: str) -> str:
	"""A demo user with a known password and Chinese as language (see `credentials`)."""
	from frappe.utils.password import update_password

	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": first_name,
				"send_welcome_email": 0,
				"language": "zh",
			}
		)
		user.insert(ignore_permissions=True)
		user.add_roles(*roles)
		update_password(email, PASSWORD)
	return email


def team(name, division, manager, parent, is_group):
	if not frappe.db.exists("CRM Sales Team", name):
		frappe.get_doc(
			{
				"doctype": "CRM Sales Team",
				"team_name": name,
				"division": division,
				"manager": manager,
				"parent_crm_sales_team": parent,
				"is_group": is_group,
			}
		).insert(ignore_permissions=True)
	return name


def member(team_name, user):
	doc = frappe.get_doc("CRM Sales Team", team_name)
	if user not in {m.user for m in doc.members}:
		doc.append("members", {"user": user})
		doc.save(ignore_permissions=True)


def make_customers(rng, count: int, org) -> list[tuple]:
	rows, customers = [], []
	base = now_datetime()
	for i in range(1, count + 1):
		name = f"D{i:06d}"
		rep = rng.choice(org["reps"])
		team_name = org["team_of"][rep]
		created = base - timedelta(days=rng.randint(0, 5 * 365))
		individual = rng.random() < 0.25
		title = (
			(rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN))
			if individual
			else (rng.choice(CITIES) + rng.choice(WORDS) + rng.choice(TRADES) + rng.choice(SUFFIXES))
		)
		title = f"{title}{i}"
		status = rng.choice(STATUSES)
		rows.append(
			(
				name,
				"Individual" if individual else "Enterprise",
				title,
				name,
				title.lower(),
				status,
				created,
				rep,
				team_name,
				org["division_of_team"][team_name],
				created,
				0,
				round(39 + rng.random() * 2, 6),
				round(116 + rng.random() * 4, 6),
			)
		)
		customers.append((name, rep, created))
	bulk(
		"CRM Customer",
		[
			"name",
			"customer_kind",
			"customer_name",
			"customer_code",
			"name_key",
			"status",
			"status_since",
			"account_manager",
			"sales_team",
			"division",
			"creation",
			"disabled",
			"latitude",
			"longitude",
		],
		rows,
		"Customers",
	)
	return customers


def make_visit_plans(rng, customers, per_plan: int = 3) -> None:
	"""Next week's visit plan of each rep (three of their customers): two in three wait for their
	manager's approval, the others are drafts, so a manager's Visit Plans list has something to approve.
	Saved as documents (their checks and the manager found in the team tree), a few dozen at most."""
	from crm_plus.crm_visits.doctype.crm_visit_plan.crm_visit_plan import plan_manager

	by_rep = {}
	for customer, rep, _created in customers:
		by_rep.setdefault(rep, []).append(customer)
	today = now_datetime().date()
	monday = today + timedelta(days=7 - today.weekday())
	reps = sorted(by_rep)
	for i, rep in enumerate(reps):
		plan = frappe.get_doc(
			{
				"doctype": "CRM Visit Plan",
				"sales_rep": rep,
				"period_type": "Week",
				"period_start": monday,
				"items": [
					{
						"customer": customer,
						"planned_date": monday + timedelta(days=day),
						"visit_type": rng.choice(["On-site", "Phone", "Video"]),
						"purpose": rng.choice(["Care", "Sales", "Collection"]),
					}
					for day, customer in enumerate(rng.sample(by_rep[rep], min(per_plan, len(by_rep[rep]))))
				],
			}
		)
		plan.flags.ignore_permissions = True
		plan.insert()
		if i % 3 != 2 and plan_manager(rep):
			plan.request_approval()
		progress("Visit plans", i + 1, len(reps))


def make_contracts_activities_and_pool(rng, count: int, customers, org) -> None:
	"""Contracts of some customers (signed, active, expired, drafts), activities against customers
	(done and planned), and a few leads back in their division's pool with their release logged."""
	today = now_datetime().date()
	statuses = ["Draft", "Signed", "Active", "Active", "Active", "Expired", "Terminated"]
	contracts = []
	for i, (customer, rep, created) in enumerate(rng.sample(customers, min(count, len(customers))), 1):
		status = rng.choice(statuses)
		start = today - timedelta(
			days=rng.randint(-30, 700) if status != "Expired" else rng.randint(400, 900)
		)
		end = start + timedelta(days=365)
		if status == "Active":
			start, end = (
				today - timedelta(days=rng.randint(0, 300)),
				today + timedelta(days=rng.randint(30, 365)),
			)
		signed = None if status == "Draft" else start - timedelta(days=rng.randint(1, 30))
		team_name = org["team_of"][rep]
		contracts.append(
			(
				f"DCON{i:06d}",
				f"{rng.choice(TRADES)}供货合同 {i}",
				f"HT-{today.year}-{i:05d}",
				customer,
				status,
				signed,
				rng.randint(5, 500) * 1000,
				start,
				end,
				rep,
				team_name,
				org["division_of_team"][team_name],
				max(created, now_datetime() - timedelta(days=900)),
			)
		)
	bulk(
		"CRM Contract",
		[
			"name",
			"title",
			"contract_number",
			"customer",
			"status",
			"signed_date",
			"amount",
			"start_date",
			"end_date",
			"account_manager",
			"sales_team",
			"division",
			"creation",
		],
		contracts,
		"Contracts",
	)
	activities = []
	kinds = {"Call": "电话回访", "Meeting": "上门拜访洽谈", "Email": "发送报价单", "Note": "客户需求记录"}
	now = now_datetime()
	for i in range(1, count * 3 + 1):
		customer, rep, _created = rng.choice(customers)
		kind = rng.choice(list(kinds))
		done = rng.random() < 0.7
		when = now - timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 8))
		activities.append(
			(
				f"DACT{i:06d}",
				kind,
				kinds[kind],
				customer,
				when if not done else None,
				int(done),
				when if done else None,
				"意向明确，下周跟进报价" if done else None,
				rep,
				when,
			)
		)
	bulk(
		"CRM Activity",
		[
			"name",
			"activity_type",
			"subject",
			"customer",
			"due_date",
			"done",
			"done_on",
			"outcome",
			"assigned_to",
			"creation",
		],
		activities,
		"Activities",
	)
	# A few leads nobody followed up, back in their division's pool (公海).
	pool, logs = [], []
	divisions = sorted(set(org["division_of_team"].values()))
	for i in range(1, 4 * len(divisions) + 1):
		division = divisions[i % len(divisions)]
		person = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
		company = rng.choice(CITIES) + rng.choice(WORDS) + rng.choice(TRADES) + rng.choice(SUFFIXES) + f"P{i}"
		created = now - timedelta(days=rng.randint(45, 200))
		pool.append(
			(
				f"DPOOL{i:04d}",
				person,
				company,
				f"1390000{i:04d}",
				"New",
				division,
				1,
				company.lower(),
				created,
			)
		)
		previous = rng.choice(
			[r for r in org["reps"] if org["division_of_team"][org["team_of"][r]] == division]
		)
		logs.append(
			(
				"CRM Lead",
				f"DPOOL{i:04d}",
				"Release",
				previous,
				division,
				now - timedelta(days=rng.randint(1, 10)),
			)
		)
	bulk(
		"CRM Lead",
		[
			"name",
			"lead_name",
			"company_name",
			"phone",
			"status",
			"division",
			"in_pool",
			"name_key",
			"creation",
		],
		pool,
		"Pool leads",
	)
	from crm_plus.utils import bulk_insert_logs

	bulk_insert_logs(
		"CRM Pool Log",
		["reference_doctype", "reference_name", "action", "user", "division", "logged_at"],
		logs,
	)


def make_transactions(rng, count: int, customers) -> None:
	rows = []
	today = now_datetime().date()
	weights = [rng.paretovariate(1.2) for _ in customers]  # a few customers buy most (the pyramid)
	picks = rng.choices(customers, weights=weights, k=count)
	for i, (customer, rep, created) in enumerate(picks, start=1):
		day = today - timedelta(days=rng.randint(0, min(900, max(0, (today - created.date()).days))))
		amount = round(rng.lognormvariate(8.5, 1.0), 2)
		is_return = rng.random() < 0.03
		sign = -1 if is_return else 1
		rows.append(
			(
				f"DTXN{i:07d}",
				customer,
				day,
				sign * amount,
				sign * round(amount * rng.uniform(0.1, 0.35), 2),
				int(is_return),
				rep,
				rng.choice(TRADES),
				day,
			)
		)
	bulk(
		"CRM Customer Transaction",
		[
			"name",
			"customer",
			"posting_date",
			"amount",
			"gross_profit",
			"is_return",
			"sales_person",
			"product_category",
			"creation",
		],
		rows,
		"Transactions",
	)


def make_visits(rng, count: int, customers) -> None:
	rows = []
	now = now_datetime()
	for i in range(1, count + 1):
		customer, rep, _created = rng.choice(customers)
		start = now + timedelta(days=rng.randint(-365, 30), hours=rng.randint(8, 17) - now.hour)
		past = start < now
		status = rng.choice(["Completed"] * 7 + ["Missed", "Cancelled"]) if past else "Planned"
		rows.append(
			(
				f"DVIS{i:07d}",
				customer,
				rep,
				start,
				start + timedelta(hours=1),
				status,
				rng.choice(["Phone", "On-site", "On-site", "Video"]),
				rng.choice(["Care", "Sales", "Collection", "Survey"]),
				start + timedelta(hours=1) if status == "Completed" else None,
				start,
			)
		)
	bulk(
		"CRM Visit",
		[
			"name",
			"customer",
			"sales_rep",
			"planned_start",
			"planned_end",
			"status",
			"visit_type",
			"purpose",
			"check_out_at",
			"creation",
		],
		rows,
		"Visits",
	)


def make_complaints(rng, count: int, customers, org) -> None:
	rows = []
	now = now_datetime()
	policy = frappe.db.get_value("CRM SLA Policy", {"is_default": 1}, "name")
	for i in range(1, count + 1):
		customer, rep, _created = rng.choice(customers)
		received = now - timedelta(days=rng.randint(0, 365), minutes=rng.randint(0, 600))
		open_ = rng.random() < 0.05
		status = (
			rng.choice(["New", "In Progress", "Waiting on Customer"])
			if open_
			else rng.choice(["Resolved", "Closed", "Closed"])
		)
		resolved = None if open_ else received + timedelta(minutes=rng.randint(30, 2000))
		category = rng.choice(CATEGORIES)
		rows.append(
			(
				f"DCMP{i:07d}",
				customer,
				rep,
				category,
				category,
				category,
				"Hotline",
				received,
				status,
				rng.choice(["Low", "Medium", "Medium", "High"]),
				rng.choice(org["agents"]),
				received + timedelta(minutes=rng.randint(1, 60)),
				resolved,
				resolved if status == "Closed" else None,
				"Handled" if not open_ else None,
				rng.randint(1, 5) if not open_ else 0,
				policy,
				"Met" if resolved and rng.random() < 0.8 else ("Breached" if resolved else None),
				received,
			)
		)
	bulk(
		"CRM Complaint",
		[
			"name",
			"customer",
			"account_manager",
			"category",
			"subject",
			"description",
			"channel",
			"received_at",
			"status",
			"severity",
			"handler",
			"first_response_at",
			"resolved_at",
			"closed_at",
			"resolution",
			"rating",
			"sla_policy",
			"sla_status",
			"creation",
		],
		rows,
		"Complaints",
	)


def make_responses(rng, count: int, customers) -> None:
	template = "Customer Satisfaction"
	questions = frappe.get_doc("CRM Survey Template", template).questions
	campaign = "演示满意度调查"
	if not frappe.db.exists("CRM Survey Campaign", campaign):
		frappe.get_doc(
			{
				"doctype": "CRM Survey Campaign",
				"campaign_name": campaign,
				"template": template,
				"status": "Closed",
			}
		).insert(ignore_permissions=True)
	responses, answers = [], []
	now = now_datetime()
	for i in range(1, count + 1):
		customer, rep, _created = rng.choice(customers)
		submitted = now - timedelta(days=rng.randint(0, 365))
		values = {}
		for q in questions:
			if q.question_type == "Satisfaction":
				values[q.name] = rng.choices([5, 4, 3, 2, 1], weights=[35, 35, 15, 10, 5])[0]
			elif q.question_type == "NPS":
				values[q.name] = rng.choices(range(11), weights=[1, 1, 1, 1, 2, 3, 4, 8, 12, 15, 12])[0]
		sat = [v for q in questions if q.question_type == "Satisfaction" for v in [values[q.name]]]
		nps = next((values[q.name] for q in questions if q.question_type == "NPS"), None)
		name = f"DRSP{i:06d}"
		responses.append(
			(
				name,
				campaign,
				customer,
				rep,
				"Web Link",
				submitted,
				round(sum(sat) / len(sat), 2),
				round(100 * sum(v >= 4 for v in sat) / len(sat), 1),
				nps,
				int(min(sat) <= 2 or (nps or 10) <= 6),
				submitted,
			)
		)
		for idx, q in enumerate(questions, start=1):
			if q.name in values:
				answers.append(
					(
						f"{name}-{idx}",
						name,
						"CRM Survey Response",
						"answers",
						q.name,
						q.question,
						q.question_type,
						str(values[q.name]),
						values[q.name],
						submitted,
					)
				)
	bulk(
		"CRM Survey Response",
		[
			"name",
			"campaign",
			"customer",
			"account_manager",
			"channel",
			"submitted_at",
			"average_score",
			"csat",
			"nps_score",
			"unhappy",
			"creation",
		],
		responses,
		"Survey responses",
	)
	bulk(
		"CRM Survey Answer",
		[
			"name",
			"parent",
			"parenttype",
			"parentfield",
			"question_id",
			"question",
			"question_type",
			"answer",
			"score",
			"creation",
		],
		answers,
		"Survey answers",
	)
	recount(campaign)  # the responses went in bulk, past the campaign's counters


def credentials() -> dict:
	"""The demo users' password and each user's CRM roles, for trying the app as each role."""
	users = frappe.get_all(
		"User", {"name": ("like", "demo-%@crm-demo.example")}, pluck="name", order_by="name"
	)
	roles = (
		frappe.get_all(
			"Has Role",
			{"parenttype": "User", "parent": ("in", users), "role": ("like", "CRM %")},
			["parent", "role"],
			order_by="role",
		)
		if users
		else []
	)
	return {
		"password": PASSWORD,
		"users": {u: ", ".join(r.role for r in roles if r.parent == u) for u in users},
	}


# ---------------------------------------------------------------- the sales funnel (issue 15)
SALES_SIZES = {
	"demo": {"leads": 600, "opportunities": 300},
	"medium": {"leads": 20_000, "opportunities": 10_000},
	"large": {"leads": 200_000, "opportunities": 100_000},
}
LEAD_SOURCES = ["Referral", "Website", "Trade Show", "Cold Call", "Advertising"]


def generate_sales(size: str = "demo", seed: int = 7) -> dict:
	"""Only the funnel, for its benchmark: on a site with the demo's organisation and customers, or else
	with those of the size first (no transactions, visits, complaints or answers):
	bench --site SITE execute crm_plus.devtools.demo.generate_sales --kwargs '{"size": "large"}'"""
	if size not in SALES_SIZES:
		frappe.throw(f"size must be one of {', '.join(SALES_SIZES)}")
	rng = random.Random(seed)
	team_of = dict(
		frappe.db.sql(
			"""select m.user, m.parent from `tabCRM Sales Team Member` m
			where m.parenttype = 'CRM Sales Team' and m.user like 'demo-rep-%%' order by m.user"""
		)
	)
	division_of_team = dict(frappe.db.sql("select name, division from `tabCRM Sales Team`"))
	org = {"reps": sorted(team_of), "team_of": team_of, "division_of_team": division_of_team}
	customers = [
		(r[0], r[1], r[2])
		for r in frappe.db.sql(
			"select name, account_manager, creation from `tabCRM Customer` where name like 'D%%' order by name"
		)
	]
	if not org["reps"] or not customers:
		# A site without the demo: the organisation and customers of that size, nothing else.
		n = SIZES[size]
		frappe.local.conf["throttle_user_limit"] = 100_000
		org = make_org(rng, n["reps"], n["divisions"])
		customers = make_customers(rng, n["customers"], org)
	start = datetime.now()
	added = make_sales(rng, size, customers, org)
	fill_phone_keys()
	frappe.db.commit()
	added["seconds"] = round((datetime.now() - start).total_seconds(), 1)
	print(json.dumps(added))
	return added


def make_sales(rng, size: str, customers, org) -> dict:
	"""Leads (some converted into the demo's customers) and opportunities that walked the stages, with
	their stage logs (the days in each stage) and lost reasons, inserted in bulk."""
	from crm_plus.crm_sales.doctype.crm_opportunity.crm_opportunity import stages
	from crm_plus.domain import sales
	from crm_plus.domain.validation import normalize_name
	from crm_plus.utils import next_names

	if frappe.db.exists("CRM Lead", "DLEAD0000001"):
		print("Demo leads are already there: nothing added.")
		return {"leads": 0, "opportunities": 0}
	n = SALES_SIZES[size]
	now = now_datetime()
	all_stages = list(stages().values())
	path = [s for s in all_stages if not s.terminal]
	won = next((s for s in all_stages if s.is_won), None)
	lost = next((s for s in all_stages if s.is_lost), None)
	reasons = frappe.get_all("CRM Lost Reason", pluck="name") or [None]
	leads = []
	for i in range(1, n["leads"] + 1):
		rep = rng.choice(org["reps"])
		team_name = org["team_of"][rep]
		created = now - timedelta(days=rng.randint(0, 730), minutes=rng.randint(0, 600))
		person = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
		company = rng.choice(CITIES) + rng.choice(WORDS) + rng.choice(TRADES) + rng.choice(SUFFIXES) + str(i)
		converted = rng.random() < 0.15
		status = "Converted" if converted else rng.choice(["New", "Contacted", "Contacted", "Qualified"])
		status = "Unqualified" if not converted and rng.random() < 0.1 else status
		leads.append(
			(
				f"DLEAD{i:07d}",
				person,
				company,
				status,
				"No budget this year" if status == "Unqualified" else None,
				rng.choice(LEAD_SOURCES),
				rep,
				team_name,
				org["division_of_team"][team_name],
				normalize_name(company),
				created + timedelta(days=rng.randint(1, 60)) if converted else None,
				created,
			)
		)
	bulk(
		"CRM Lead",
		[
			"name",
			"lead_name",
			"company_name",
			"status",
			"unqualified_reason",
			"source",
			"account_manager",
			"sales_team",
			"division",
			"name_key",
			"converted_on",
			"creation",
		],
		leads,
		"Leads",
	)
	opportunities, logs = [], []
	for i in range(1, n["opportunities"] + 1):
		customer, rep, _created = rng.choice(customers)
		team_name = org["team_of"].get(rep) or org["team_of"][rng.choice(org["reps"])]
		created = now - timedelta(days=rng.randint(0, 540), minutes=rng.randint(0, 600))
		# Walk the open stages: each step taken with a falling chance; then won, lost or still open.
		walked, at = [path[0]], created
		while len(walked) < len(path) and rng.random() < 0.65:
			walked.append(path[len(walked)])
		ending = rng.random()
		final = won if ending < 0.3 and won else lost if ending < 0.65 and lost else None
		entered = []
		for stage in [*walked, *([final] if final else [])]:
			entered.append((stage, at))
			at = at + timedelta(days=rng.uniform(1, 25))
		if entered[-1][1] > now:  # not there yet: stop at the stages already entered
			entered = [e for e in entered if e[1] <= now] or entered[:1]
		current, since = entered[-1]
		amount = round(rng.lognormvariate(10.5, 1.0), 2)
		opportunities.append(
			(
				f"DOPP{i:07d}",
				f"{rng.choice(TRADES)}项目{i}",
				customer,
				current.name,
				sales.status_for_stage(current),
				sales.probability_for_stage(current),
				since,
				amount,
				(created + timedelta(days=rng.randint(30, 180))).date(),
				rng.choice(reasons) if current.is_lost else None,
				rep,
				team_name,
				org["division_of_team"][team_name],
				created,
			)
		)
		previous = None
		for stage, when in entered:
			days = round((when - previous[1]).total_seconds() / 86400, 2) if previous else 0
			logs.append(
				(f"DOPP{i:07d}", previous[0].name if previous else None, stage.name, when, days, rep, when)
			)
			previous = (stage, when)
	bulk(
		"CRM Opportunity",
		[
			"name",
			"title",
			"customer",
			"stage",
			"status",
			"probability",
			"stage_since",
			"expected_amount",
			"expected_close_date",
			"lost_reason",
			"account_manager",
			"sales_team",
			"division",
			"creation",
		],
		opportunities,
		"Opportunities",
	)
	from crm_plus.crm_sales.kanban import fill_party_names

	fill_party_names()
	names = next_names("CRM Opportunity Stage Log", len(logs))
	bulk(
		"CRM Opportunity Stage Log",
		[
			"name",
			"opportunity",
			"from_stage",
			"to_stage",
			"changed_at",
			"days_in_previous_stage",
			"changed_by",
			"creation",
		],
		[(name, *row) for name, row in zip(names, logs, strict=True)],
		"Stage log",
	)
	return {"leads": len(leads), "opportunities": len(opportunities), "stage_logs": len(logs)}
