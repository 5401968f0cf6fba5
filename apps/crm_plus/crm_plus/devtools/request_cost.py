"""The server time of the requests the desk and the public pages make, measured in-process through the
site's WSGI application (one request at a time, each on its own thread and connection, as a served
request), and optionally profiled with cProfile:

	bench --site SITE execute crm_plus.devtools.request_cost.run --kwargs '{"what": "form"}'
	bench --site SITE execute crm_plus.devtools.request_cost.run --kwargs '{"what": "survey", "profile": 1}'

`what`: form (a rep opens one of their customers: getdoc, then the connections' counts), survey (a
guest opens the public survey page), reports (a sales manager runs Sales Rep Performance and Sales
Funnel for a year; the first run computes, the reruns within minutes come from its cache). Users log in with the demo password (crm_plus.devtools.demo); run on a demo site.
"""

import cProfile
import io
import json
import pstats
import statistics
import threading
import time
from unittest.mock import patch

import frappe
from frappe.utils import add_days, get_test_client, now_datetime, today


def _in_thread(site: str, fn, profiler=None):
	"""Run one request the way a server thread would: its own frappe.local, its own connection."""
	out = {}

	def target():
		with patch("frappe.app.get_site_name", return_value=site):
			start, cpu = time.perf_counter(), time.thread_time()
			if profiler:
				profiler.enable()
			try:
				out["response"] = fn()
			finally:
				if profiler:
					profiler.disable()
				out["wall"] = time.perf_counter() - start
				out["cpu"] = time.thread_time() - cpu

	thread = threading.Thread(target=target)
	thread.start()
	thread.join()
	return out


def _client(site: str, user: str | None):
	from crm_plus.devtools.demo import PASSWORD

	client = get_test_client()
	if user:
		r = _in_thread(site, lambda: client.post("/api/method/login", json={"usr": user, "pwd": PASSWORD}))
		if r["response"].status_code != 200:
			raise AssertionError(f"login of {user} refused: {r['response'].status_code}")
	return client


def _customer_form(site):
	rep = frappe.db.sql(
		"""select account_manager from `tabCRM Customer` where account_manager like 'demo-rep-%%'
		group by account_manager order by account_manager limit 1"""
	)[0][0]
	customer = frappe.db.sql(
		"""select c.name from `tabCRM Customer` c where c.account_manager = %s
		order by (select count(*) from `tabCRM Customer Transaction` t where t.customer = c.name) desc
		limit 1""",
		rep,
	)[0][0]
	from crm_plus.crm_customers.doctype.crm_customer.crm_customer_dashboard import get_data

	items = [i for group in get_data()["transactions"] for i in group["items"]]
	client = _client(site, rep)
	print(f"  {rep} opens {customer}")
	return {
		"getdoc": lambda: client.get(
			"/api/method/frappe.desk.form.load.getdoc",
			query_string={"doctype": "CRM Customer", "name": customer},
		),
		"get_open_count": lambda: client.get(
			"/api/method/frappe.desk.notifications.get_open_count",
			query_string={"doctype": "CRM Customer", "name": customer, "items": json.dumps(items)},
		),
	}


def _survey_page(site):
	from crm_plus.domain.public_links import new_token

	campaign = frappe.db.get_value("CRM Survey Campaign", {"status": "Running"}, "name")
	if not campaign:  # made as the survey benchmark makes one: answers are taken while it runs
		doc = frappe.get_doc(
			{
				"doctype": "CRM Survey Campaign",
				"campaign_name": f"Request cost {frappe.generate_hash(length=6)}",
				"template": "Customer Satisfaction",
			}
		).insert(ignore_permissions=True)
		doc.db_set("status", "Running")
		campaign = doc.name
	customer = frappe.db.get_value("CRM Customer", {}, "name")
	token = new_token()
	frappe.get_doc(
		{
			"doctype": "CRM Survey Invitation",
			"campaign": campaign,
			"customer": customer,
			"token": token,
			"expires_at": add_days(now_datetime(), 1),
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()
	client = _client(site, None)
	return {"survey page": lambda: client.get("/survey", query_string={"token": token})}


def _reports(site):
	manager = frappe.db.sql(
		"""select t.manager from `tabCRM Sales Team` t where t.manager like 'demo-%%'
		order by t.rgt - t.lft desc, t.manager limit 1"""
	)[0][0]
	client = _client(site, manager)
	filters = json.dumps({"from_date": add_days(today(), -365), "to_date": today()})
	print(f"  {manager} runs the reports")

	def report(name):
		return lambda: client.post(
			"/api/method/frappe.desk.query_report.run",
			data={"report_name": name, "filters": filters, "ignore_prepared_report": 1},
		)

	return {
		"Sales Rep Performance": report("Sales Rep Performance"),
		"Sales Funnel": report("Sales Funnel"),
	}


def run(what: str = "form", n: int = 10, profile: int = 0, top: int = 35) -> dict:
	try:
		return _run(what, n, profile, top)
	except Exception:
		import traceback

		traceback.print_exc()  # bench execute would hide it behind a NameError
		raise


def _run(what: str, n: int, profile: int, top: int) -> dict:
	site = frappe.local.site
	requests = {"form": _customer_form, "survey": _survey_page, "reports": _reports}[what](site)
	results = {}
	for name, fn in requests.items():
		first = _in_thread(site, fn)
		status = first["response"].status_code
		if status != 200:
			raise AssertionError(f"{name}: HTTP {status}: {first['response'].text[:300]}")
		profiler = cProfile.Profile() if profile else None
		runs = [_in_thread(site, fn, profiler) for _ in range(n)]
		for r in runs:
			if r["response"].status_code != 200:
				raise AssertionError(f"{name}: HTTP {r['response'].status_code}")
		wall = [r["wall"] * 1000 for r in runs]
		cpu = [r["cpu"] * 1000 for r in runs]
		results[name] = {
			"first_ms": round(first["wall"] * 1000, 1),
			"median_ms": round(statistics.median(wall), 1),
			"min_ms": round(min(wall), 1),
			"cpu_median_ms": round(statistics.median(cpu), 1),
			"bytes": len(first["response"].data),
		}
		print(f"{name:<28} {json.dumps(results[name])}")
		if profiler:
			out = io.StringIO()
			pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
			print(out.getvalue())
	return results
