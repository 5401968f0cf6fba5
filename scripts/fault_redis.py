#!/usr/bin/env python3
"""Fault drill: stop both Redis servers of a bench (cache and queue) while users save customers through
the desk's REST API, a background worker waits for jobs and an escalation pass runs; start them
again; check that nothing the server acknowledged is missing and that a job queued after the restart
runs. Loopback only, 4 clients, about 20 seconds. Called by scripts/fault-test.sh.

Needs `requests` and a server for the site on 127.0.0.1:8000 (started with `bench serve` when none
answers). Exit 1 when an acknowledged save is missing, a request hangs or the job does not run
within a minute (a worker that died in the outage is started again first, as a supervisor would).
"""

import argparse
import json
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests


def main() -> int:
	ap = argparse.ArgumentParser()
	ap.add_argument("--bench", required=True)
	ap.add_argument("--site", required=True)
	ap.add_argument("--owner", required=True)
	ap.add_argument("--url", default="http://127.0.0.1:8000")
	ap.add_argument("--password", default="admin")
	args = ap.parse_args()
	bench = Path(args.bench)
	if not args.url.startswith(("http://127.", "http://localhost")):
		sys.exit("loopback only")

	def as_owner(cmd: str, background: bool = False):
		full = ["runuser", "-u", args.owner, "--", "bash", "-lc", cmd]
		return (
			subprocess.Popen(full)
			if background
			else subprocess.run(full, capture_output=True, text=True, check=False)
		)

	host = {"Host": args.site}
	server = None
	try:
		requests.get(f"{args.url}/api/method/ping", headers=host, timeout=2)
	except requests.RequestException:
		server = as_owner(
			f"cd {bench} && exec bench --site {args.site} serve --port 8000 >logs/fault-serve.log 2>&1",
			True,
		)
		for _ in range(60):
			try:
				requests.get(f"{args.url}/api/method/ping", headers=host, timeout=2)
				break
			except requests.RequestException:
				time.sleep(1)

	confs = {}
	for conf in sorted((bench / "config").glob("redis_*.conf")):
		port = next(line.split()[1] for line in conf.read_text().splitlines() if line.startswith("port "))
		confs[conf] = port
	drill = uuid.uuid4().hex[:6]
	acknowledged, failed, errors = [], [], {}
	lock = threading.Lock()
	down_since, up_again, during_outage = [None], [None], [0]
	stop = time.monotonic() + 14

	def client(n: int):
		session = requests.Session()
		session.headers.update(host)
		session.post(
			f"{args.url}/api/method/login",
			data={"usr": "Administrator", "pwd": args.password},
			timeout=30,
		)
		i = 0
		while time.monotonic() < stop:
			i += 1
			name = f"Redis drill {drill} {n}-{i}"
			try:
				r = session.post(
					f"{args.url}/api/resource/CRM Customer",
					data={"data": json.dumps({"customer_name": name, "account_manager": "Administrator"})},
					timeout=30,
				)
				ok, reason = r.status_code == 200, str(r.status_code)
			except requests.RequestException as e:
				ok, reason = False, type(e).__name__
			with lock:
				(acknowledged if ok else failed).append(name)
				if ok and down_since[0] and not up_again[0]:
					during_outage[0] += 1
				if not ok:
					errors[reason] = errors.get(reason, 0) + 1
			time.sleep(0.05)

	def execute(call: str):
		return as_owner(f"cd {bench} && timeout 120 bench --site {args.site} execute {call}")

	def worker():
		return as_owner(f"cd {bench} && exec bench worker --queue short >>logs/fault-worker.log 2>&1", True)

	site_config = json.loads((bench / "sites" / args.site / "site_config.json").read_text())

	def sql(query: str) -> list[str]:
		db = site_config["db_name"]
		out = subprocess.run(
			[
				"mysql",
				"-h",
				"127.0.0.1",
				"-u",
				db,
				f"-p{site_config['db_password']}",
				db,
				"-N",
				"-s",
				"-e",
				query,
			],
			capture_output=True,
			text=True,
			check=True,
		)
		return [line for line in out.stdout.split("\n") if line]

	def probe_ran(marker: str, seconds: int) -> bool:
		for _ in range(seconds):
			if sql(
				"select defvalue from tabDefaultValue where parent = '__global' and defkey = 'crm_plus_fault_probe'"
			) == [marker]:
				return True
			time.sleep(1)
		return False

	rq_worker = worker()  # a background worker runs across the outage
	time.sleep(3)
	threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
	for t in threads:
		t.start()
	time.sleep(3)
	for port in confs.values():  # Redis goes away, without saving
		subprocess.run(["redis-cli", "-p", port, "shutdown", "nosave"], capture_output=True, check=False)
	down_since[0] = time.monotonic()
	print(f"redis stopped: ports {', '.join(confs.values())}")
	queued_down = execute(f'crm_plus.devtools.faults.enqueue_probe --kwargs \'{{"marker": "down-{drill}"}}\'')
	print(f"a job queued while Redis was down: exit {queued_down.returncode}")
	job = as_owner(
		f"cd {bench} && timeout 300 bench --site {args.site} execute crm_plus.crm_complaints.service_level.escalate"
	)
	print(f"escalation pass while Redis was down: exit {job.returncode}")
	time.sleep(3)  # Redis stays down a few seconds longer
	for conf in confs:
		as_owner(f"cd {bench}/config/pids && redis-server {conf} --daemonize yes")
	for port in confs.values():
		for _ in range(20):
			if (
				subprocess.run(
					["redis-cli", "-p", port, "ping"], capture_output=True, text=True, check=False
				).stdout.strip()
				== "PONG"
			):
				break
			time.sleep(0.5)
	up_again[0] = time.monotonic()
	print(f"redis started again after {up_again[0] - down_since[0]:.1f} s")
	for t in threads:
		t.join(timeout=60)
	hung = sum(t.is_alive() for t in threads)
	worker_survived = rq_worker.poll() is None
	if not worker_survived:  # as a supervisor would: start it again
		rq_worker = worker()
	queued_up = execute(f'crm_plus.devtools.faults.enqueue_probe --kwargs \'{{"marker": "up-{drill}"}}\'')
	ran_after = queued_up.returncode == 0 and probe_ran(f"up-{drill}", 60)
	as_owner("pkill -f 'frappe.utils.bench_helper frappe worker --queue short' || true")

	stored = set(
		sql(f"select customer_name from `tabCRM Customer` where customer_name like 'Redis drill {drill} %'")
	)
	missing = [n for n in acknowledged if n not in stored]
	told_failed_but_saved = [n for n in failed if n in stored]
	print(
		json.dumps(
			{
				"requests": len(acknowledged) + len(failed),
				"acknowledged": len(acknowledged),
				"acknowledged while Redis was down": during_outage[0],
				"refused or failed": len(failed),
				"errors": errors,
				"acknowledged but missing": len(missing),
				"failed but saved": len(told_failed_but_saved),
				"escalation exit": job.returncode,
				"job queued while Redis was down": "refused" if queued_down.returncode else "queued",
				"worker survived the outage": worker_survived,
				"job queued after the restart ran": ran_after,
				"clients hung": hung,
			}
		)
	)
	if server:
		as_owner(f"pkill -f 'frappe.utils.bench_helper frappe --site {args.site} serve' || true")
	return 1 if missing or hung or not ran_after else 0


if __name__ == "__main__":
	sys.exit(main())
