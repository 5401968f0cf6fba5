"""Where the gunicorn workers' CPU went during a load-test step (py-spy's raw folded stacks, from
`PROFILE_STEP=N scripts/load-test.sh ...`): samples per endpoint, and per endpoint the functions
with the most samples (inclusive), the request's own frames only.

        python3 scripts/load/profile_summary.py OUT [TOP]
"""

import collections
import glob
import os
import re
import sys

# The first frame of a stack that names what the request was (checked in this order).
ENDPOINTS = [
	("query_report.py", "run ", "report (query_report.run)"),
	("reportview.py", "get ", "list (reportview.get)"),
	("client.py", "get_count ", "count (client.get_count)"),
	("overrides.py", "get_count ", "count (client.get_count)"),
	("overrides.py", "get_open_count ", "connections (get_open_count)"),
	("load.py", "getdoc ", "form load (getdoc)"),
	("save.py", "savedocs ", "save (savedocs)"),
	("handler.py", "run_doc_method ", "doc method (run_doc_method)"),
	("overrides.py", "update_kanban_order ", "kanban card order (update_order)"),
	("overrides.py", "move_kanban_card ", "kanban move"),
	("utils.py", "add_comment ", "comment (add_comment)"),
	("api.py", "submit ", "survey submit"),
	("public_form.py", "submit_complaint ", "complaint submit"),
	("survey.py", "get_context ", "survey page"),
	("complaint.py", "get_context ", "complaint page"),
	("auth.py", "login ", "login"),
	("website/serve.py", "get_response ", "other web page"),
]
WRAPPERS = re.compile(
	r"(gunicorn|werkzeug|frappe/app\.py|frappe/handler\.py|frappe/__init__\.py|frappe/api/|"
	r"frappe/utils/typing_validations|frappe/rate_limiter|<module>|threading)"
)


# A leaf frame that waits on a socket (MariaDB, Redis) is not CPU of the worker.
WAITING = re.compile(r"^(SocketIO\.readinto|HiredisParser\.read_from_socket|_read_bytes|recv|select|poll) ")


def endpoint_of(frames: list[str]) -> str:
	for file_part, fn_part, label in ENDPOINTS:
		for frame in frames:
			if frame.startswith(fn_part) and file_part in frame:
				return label
	for frame in frames:
		if "before_request" in frame or "init_request" in frame:
			return "request set-up"
	return "other"


def short(frame: str) -> str:
	m = re.match(r"(\S+) \((.*?):(\d+)\)", frame)
	if not m:
		return frame
	fn, path, _line = m.groups()
	path = re.sub(r".*/(site-packages|apps)/", "", path)
	return f"{fn} ({path})"


def main(out: str, top: int = 12) -> None:
	total = waiting = 0
	per_endpoint = collections.Counter()
	inclusive = collections.defaultdict(collections.Counter)
	self_time = collections.defaultdict(collections.Counter)
	for path in glob.glob(os.path.join(out, "profile-*.txt")):
		with open(path) as f:
			lines = f.readlines()
		for line in lines:
			stack, _, count = line.rstrip("\n").rpartition(" ")
			if not count.isdigit():
				continue
			n = int(count)
			frames = stack.split(";")
			if WAITING.match(frames[-1]):
				waiting += n
				continue
			total += n
			label = endpoint_of(frames)
			per_endpoint[label] += n
			seen = set()
			for frame in frames:
				name = short(frame)
				if WRAPPERS.search(frame) or name in seen:
					continue
				seen.add(name)
				inclusive[label][name] += n
			self_time[label][short(frames[-1])] += n
	print(
		f"{total} samples on CPU, {waiting} more waiting on a socket (MariaDB, Redis) left out"
		" (50 samples per second of each worker)"
	)
	print("| endpoint | share of samples |")
	print("|---|---|")
	for label, n in per_endpoint.most_common():
		print(f"| {label} | {100 * n / max(total, 1):.1f}% |")
	for label, n in per_endpoint.most_common(8):
		print(f"\n{label}: {n} samples; inclusive (share of this endpoint):")
		for name, m in inclusive[label].most_common(top):
			print(f"  {100 * m / n:5.1f}%  {name}")
		print("  self:")
		for name, m in self_time[label].most_common(6):
			print(f"  {100 * m / n:5.1f}%  {name}")


if __name__ == "__main__":
	main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 12)
