"""The load test's tables from a results folder (scripts/load-test.sh): per step the users, desk
p50/p95/p99, throughput, errors, CPU of gunicorn and MariaDB; per endpoint of each step Locust's
figures. Usage: python3 summary.py OUT"""

import csv
import glob
import json
import os
import re
import sys


def steps(out):
	found = []
	for path in glob.glob(os.path.join(out, "step-*_stats.csv")):
		found.append(int(re.search(r"step-(\d+)_stats", path).group(1)))
	return sorted(found)


def load(path, default=None):
	try:
		with open(path) as f:
			return json.load(f)
	except (OSError, ValueError):
		return default


def main(out):
	print("Per step (desk = the logged-in people's calls, log-ins excluded; CPU in cores over the step):")
	print(
		"| users | requests/s | desk p50 | desk p95 | desk p99 | errors | gunicorn CPU | MariaDB CPU "
		"| jobs CPU | gunicorn CPU/request | load average before -> after |"
	)
	print("|---|---|---|---|---|---|---|---|---|---|---|")
	per_endpoint = {}
	for n in steps(out):
		with open(os.path.join(out, f"step-{n}_stats.csv")) as f:
			rows = list(csv.DictReader(f))
		per_endpoint[n] = rows
		total = next(r for r in rows if r["Name"] == "Aggregated")
		desk = load(os.path.join(out, f"step-{n}_desk.json"), {})
		cpu = load(os.path.join(out, f"step-{n}_cpu.json"), {})
		wall = cpu.get("wall_s") or 1
		reqs = int(total["Request Count"])
		print(
			f"| {cpu.get('users', '?')} | {float(total['Requests/s']):.1f} | {desk.get('desk_p50_ms')} ms "
			f"| {desk.get('desk_p95_ms')} ms | {desk.get('desk_p99_ms')} ms "
			f"| {total['Failure Count']} of {reqs} "
			f"| {cpu.get('gunicorn_cpu_s', 0) / wall:.2f} | {cpu.get('mariadb_cpu_s', 0) / wall:.2f} "
			f"| {cpu.get('jobs_cpu_s', 0) / wall:.2f} "
			f"| {1000 * cpu.get('gunicorn_cpu_s', 0) / max(reqs, 1):.0f} ms "
			f"| {cpu.get('load_before')} -> {cpu.get('load_after')} |"
		)
	for n, rows in per_endpoint.items():
		cpu = load(os.path.join(out, f"step-{n}_cpu.json"), {})
		print(f"\nStep {n} ({cpu.get('users', '?')} users), per endpoint:")
		print("| endpoint | requests | errors | req/s | p50 ms | p95 ms | p99 ms |")
		print("|---|---|---|---|---|---|---|")
		for r in rows:
			print(
				f"| {r['Name'] or r['Type']} | {r['Request Count']} | {r['Failure Count']} "
				f"| {float(r['Requests/s']):.2f} | {r['50%']} | {r['95%']} | {r['99%']} |"
			)
		failures = os.path.join(out, f"step-{n}_failures.csv")
		if os.path.exists(failures):
			with open(failures) as f:
				failed = list(csv.DictReader(f))
			for r in failed:
				print(f"  failure: {r['Name']}: {r['Error'][:160]} x{r['Occurrences']}")


if __name__ == "__main__":
	main(sys.argv[1])
