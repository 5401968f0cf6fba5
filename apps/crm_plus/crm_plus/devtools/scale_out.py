"""Several RQ workers share one queue and take every job once (scripts/scale-out.sh check).

	FRAPPE_REDIS_QUEUE=redis://127.0.0.1:PORT bench --site SITE execute crm_plus.devtools.scale_out.check_workers

enqueues `jobs` app jobs (`probe`), waits for them, and fails unless each ran exactly once and more than
one worker ran them. Run it against the queue the workers listen on (the script's private queue).
"""

import os
import socket
import time

import frappe

RUNS = "crm_plus:scale_out:runs"


def probe(token: str, seconds: float = 0.2) -> None:
	"""An app job: notes which worker ran it (RQ runs each job in a child of its worker), then works for a
	moment."""
	frappe.cache.rpush(RUNS, f"{token} {socket.gethostname()}:{os.getppid()}")
	time.sleep(seconds)


def check_workers(jobs: int = 40, timeout: int = 120) -> dict:
	frappe.cache.delete_value(RUNS)
	tokens = [frappe.generate_hash(length=12) for _ in range(jobs)]
	for token in tokens:
		frappe.enqueue("crm_plus.devtools.scale_out.probe", queue="short", token=token)
	deadline = time.monotonic() + timeout
	while frappe.cache.llen(RUNS) < jobs and time.monotonic() < deadline:
		time.sleep(0.2)
	time.sleep(2)  # a job taken twice would show up here
	runs = [r.decode() if isinstance(r, bytes) else r for r in frappe.cache.lrange(RUNS, 0, -1)]
	frappe.cache.delete_value(RUNS)
	ran = {}
	for run in runs:
		token, worker = run.split(" ", 1)
		ran.setdefault(token, []).append(worker)
	per_worker = {}
	for workers in ran.values():
		for worker in workers:
			per_worker[worker] = per_worker.get(worker, 0) + 1
	result = {
		"enqueued": jobs,
		"runs": len(runs),
		"ran_once": sum(len(w) == 1 for t, w in ran.items() if t in tokens),
		"ran_twice_or_more": sorted(t for t, w in ran.items() if len(w) > 1),
		"never_ran": sorted(set(tokens) - set(ran)),
		"per_worker": per_worker,
	}
	if result["ran_once"] != jobs or result["runs"] != jobs:
		raise AssertionError(f"{jobs} jobs enqueued, {len(runs)} runs: not each exactly once")
	if len(per_worker) < 2:
		raise AssertionError(f"only {len(per_worker)} worker ran the jobs: is the second worker running?")
	return result
