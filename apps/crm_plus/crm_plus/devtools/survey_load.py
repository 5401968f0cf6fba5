"""Guests at once on the public survey page of a running server (gunicorn on loopback): each answering
guest opens its link, answers and opens it again; viewers only open theirs, again and again; the
campaign is recounted meanwhile (the repair path). Afterwards every request must have succeeded, every
answer be stored, and the progress the answers and page views kept equal a full recount.

	bench --site SITE execute crm_plus.devtools.survey_load.run --kwargs '{"url": "http://127.0.0.1:8093"}'

Each request comes from its own address (X-Forwarded-For, as the benchmark's), so no guest meets another's
rate limit. It adds a campaign with its invitations and answers, and leaves them.
"""

import itertools
import json
import statistics
import time
from concurrent.futures import ThreadPoolExecutor, wait

import frappe

from crm_plus.devtools.benchmark import p95, require, survey_links


def run(url: str, guests: int = 120, viewers: int = 60, views: int = 3, recounts: bool = True) -> dict:
	import requests

	from crm_plus.crm_surveys.api import follow_up_pending, questions_of
	from crm_plus.crm_surveys.progress import FIGURES, recount
	from crm_plus.domain.public_links import new_token
	from crm_plus.domain.surveys import PROGRESS_COUNTERS

	if not url.startswith(("http://127.", "http://localhost")):
		frappe.throw("The survey load only targets loopback")
	template = "Customer Satisfaction"
	customers = frappe.get_all("CRM Customer", {"disabled": 0}, limit=guests + viewers, pluck="name")
	require(len(customers) == guests + viewers, f"{guests + viewers} customers to invite")
	campaign, tokens = survey_links("Concurrency", customers)
	questions = questions_of(template)

	def answers_of(i: int) -> str:  # happy answers (no complaint), varied so that the sums mean something
		values = {"Satisfaction": str(3 + i % 3), "NPS": str(7 + i % 4), "Text": "Faster delivery"}
		return json.dumps(
			{q["id"]: values.get(q["type"], (q["options"] or "").split("\n")[0]) for q in questions}
		)

	host, count = frappe.local.site, itertools.count(1)
	results: list[tuple[str, float, bool, str]] = []  # (kind, seconds, accepted, what went wrong)

	def request(kind: str, method: str, path: str, **kwargs):
		i = next(count)
		headers = {"Host": host, "X-Forwarded-For": f"10.{i // 250 % 250}.{i % 250}.{1 + i // 62500}"}
		start = time.perf_counter()
		try:
			r = requests.request(method, f"{url}{path}", headers=headers, timeout=120, **kwargs)
		except requests.RequestException as e:
			results.append((kind, time.perf_counter() - start, False, repr(e)))
			return None
		seconds = time.perf_counter() - start
		if kind == "submit":
			good = r.status_code == 200 and bool((r.json().get("message") or {}).get("ok"))
		else:  # the page with its form, or, once answered, the thanks for it
			good = r.status_code == 200 and (
				'id="crm-survey-form"' in r.text or 'data-state="used"' in r.text
			)
		results.append((kind, seconds, good, "" if good else f"{r.status_code} {r.text[:300]}"))
		return r

	def guest(i: int) -> None:
		token = tokens[i]
		request("page", "GET", "/survey", params={"token": token})
		request(
			"submit",
			"POST",
			"/api/method/crm_plus.crm_surveys.api.submit",
			data={"token": token, "answers": answers_of(i)},
		)
		for _view in range(views):
			request("page", "GET", "/survey", params={"token": token})

	def viewer(i: int) -> None:
		for _view in range(views):
			request("page", "GET", "/survey", params={"token": tokens[i]})

	request("page", "GET", "/survey", params={"token": "warm-up-" + new_token()})  # a forged link: nothing
	results.clear()
	recounted_meanwhile = 0
	started = time.perf_counter()
	with ThreadPoolExecutor(max_workers=guests + viewers) as pool:
		futures = [pool.submit(guest, i) for i in range(guests)]
		futures += [pool.submit(viewer, i) for i in range(guests, guests + viewers)]
		while wait(futures, timeout=0.5).not_done:  # the repair path, meanwhile
			if recounts:
				recount(campaign.name)
				recounted_meanwhile += 1
	elapsed = time.perf_counter() - started
	frappe.db.rollback()  # a fresh snapshot: what the server committed
	stored = frappe.db.count("CRM Survey Response", {"campaign": campaign.name})
	follow_up_pending()
	frappe.db.commit()
	fields = [*PROGRESS_COUNTERS, *FIGURES]
	kept = frappe.db.get_value("CRM Survey Campaign", campaign.name, fields, as_dict=True)
	recounted = recount(campaign.name)
	figures = frappe.db.get_value("CRM Survey Campaign", campaign.name, list(FIGURES), as_dict=True)
	failed = [r for r in results if not r[2]]
	by_kind = {}
	for kind in ("page", "submit"):
		seconds = [s for k, s, _g, _w in results if k == kind]
		by_kind[kind] = {
			"requests": len(seconds),
			"median": round(statistics.median(seconds), 3),
			"p95": round(p95(seconds), 3),
			"max": round(max(seconds), 3),
		}
	summary = {
		"campaign": campaign.name,
		"guests": guests,
		"viewers": viewers,
		"requests": len(results),
		"errors": len(failed),
		"seconds": round(elapsed, 1),
		"timings": by_kind,
		"responses_stored": stored,
		"recounts_meanwhile": recounted_meanwhile,
		"kept": {k: kept[k] for k in fields},
		"recounted": recounted,
		"counters_equal_recount": {k: kept[k] for k in PROGRESS_COUNTERS} == recounted
		and {k: kept[k] for k in FIGURES} == dict(figures),
	}
	print(json.dumps(summary, indent=1, default=str))
	for kind, seconds, _good, what in failed[:10]:
		print(f"FAILED {kind} after {seconds:.2f} s: {what}")
	require(not failed, f"{len(failed)} of {len(results)} requests failed")
	require(stored == guests, f"{stored} answers stored of {guests} submitted")
	require(summary["counters_equal_recount"], "the progress kept differs from a full recount")
	require(
		(kept.invited, kept.opened, kept.answered) == (guests + viewers, guests + viewers, guests),
		f"invited, opened, answered: {kept.invited}, {kept.opened}, {kept.answered}",
	)
	return summary
