"""A working day of CRM Plus, for Locust (run by scripts/load-test.sh, which documents the arguments).

Each simulated person logs in as their own demo user (the desk's login, then the desk page for the
CSRF token) and makes the calls the desk makes:
- reps: the customer list (frappe.desk.reportview.get + frappe.client.get_count), a customer form
  (frappe.desk.form.load.getdoc + the connections' get_open_count), saving a customer
  (frappe.desk.form.save.savedocs), a visit with check-in (savedocs, then run_doc_method check_in),
  an activity (savedocs), the Kanban board (its cards, the card order it sends on opening, one card
  moved to another stage: update_order_for_single_card);
- service agents: the open complaints (reportview.get + get_count), a complaint taken (getdoc, then
  savedocs with themselves as handler, In Progress) and answered (frappe.desk.form.utils.add_comment);
- managers: Sales Funnel and Sales Rep Performance (frappe.desk.query_report.run, one year), the
  opportunity list;
- guests: the public survey page and its submit, the public complaint form and its submit, each
  from its own address (X-Forwarded-For; loopback only).

Every write the server acknowledged is appended to the journal (LOAD_JOURNAL) with the values sent;
crm_plus.devtools.load_test.verify checks them in the database afterwards. The desk calls' response
times are kept apart from the guests' and the log-ins (LOAD_RESULT: p50/p95/p99 of the desk calls).
Environment: LOAD_FIXTURE (from crm_plus.devtools.load_test.prepare), LOAD_JOURNAL, LOAD_RESULT,
LOAD_HOST_HEADER (the site's name; the server is reached on 127.0.0.1).
"""

import itertools
import json
import os
import random
import re
import time
import uuid
from datetime import date, datetime, timedelta

from locust import FastHttpUser, between, events, task

with open(os.environ["LOAD_FIXTURE"]) as _f:
	FIXTURE = json.load(_f)
SITE = os.environ.get("LOAD_HOST_HEADER") or FIXTURE["site"]
JOURNAL = open(os.environ["LOAD_JOURNAL"], "a")  # open for the whole run
RESULT = os.environ.get("LOAD_RESULT")
TOKENS = list(FIXTURE["tokens"])
random.Random(int(os.environ.get("LOAD_SEED", "1"))).shuffle(TOKENS)
# Each step of a run takes its own slice of the invitations ("offset:count"): a token answers once.
_offset, _count = (int(x) for x in os.environ.get("LOAD_TOKEN_SLICE", f"0:{len(TOKENS)}").split(":"))
TOKENS = TOKENS[_offset : _offset + _count]
OPEN_COMPLAINT = [
	"New",
	"Acknowledged",
	"In Progress",
	"Waiting on Customer",
	"Reopened",
]
KANBAN_FIELDS = [
	"name", "owner", "creation", "modified", "modified_by", "_user_tags", "_comments", "_assign",
	"_liked_by", "docstatus", "idx", "title", "stage", "status", "expected_amount",
	"expected_close_date", "party_name",
]  # fmt: skip
CUSTOMER_LIST_FIELDS = [
	"name",
	"customer_name",
	"status",
	"grade",
	"account_manager",
	"modified",
]
DESK_TIMES: list[float] = []
DESK_ERRORS = [0]
USED_TOKENS = [0]
ACCOUNTS = {role: itertools.count() for role in ("rep", "agent", "manager")}


def journal(kind: str, doctype: str, name: str, values: dict, **extra) -> None:
	JOURNAL.write(
		json.dumps({"kind": kind, "doctype": doctype, "name": name, "values": values, **extra}) + "\n"
	)
	JOURNAL.flush()


@events.request.add_listener
def on_request(request_type, name, response_time, exception, **kwargs):
	if name.startswith(("rep ", "agent ", "manager ")):
		DESK_TIMES.append(response_time)
		if exception:
			DESK_ERRORS[0] += 1


@events.reset_stats.add_listener
def on_reset():
	# --reset-stats: the ramp (log-ins, desk boots) is not measured
	DESK_TIMES.clear()
	DESK_ERRORS[0] = 0


@events.quitting.add_listener
def on_quit(environment, **kwargs):
	if not RESULT:
		return
	times = sorted(DESK_TIMES)

	def pct(p):
		return round(times[min(len(times) - 1, int(len(times) * p))], 1) if times else None

	with open(RESULT, "w") as f:
		json.dump(
			{
				"desk_requests": len(times),
				"desk_errors": DESK_ERRORS[0],
				"desk_p50_ms": pct(0.50),
				"desk_p95_ms": pct(0.95),
				"desk_p99_ms": pct(0.99),
				"tokens_used": USED_TOKENS[0],
			},
			f,
		)


def table(doctype: str, fields: list[str]) -> list[str]:
	return [f"`tab{doctype}`.`{f}`" for f in fields]


class Person(FastHttpUser):
	abstract = True
	role = ""
	wait_time = between(2, 6)

	def on_start(self):
		self.headers = {"Host": SITE, "Accept": "application/json"}
		if self.role:
			accounts = FIXTURE[self.role + "s"]
			self.user = accounts[next(ACCOUNTS[self.role]) % len(accounts)]
			self.login()

	def login(self):
		with self.client.post(
			"/api/method/login",
			data={"usr": self.user, "pwd": FIXTURE["password"]},
			headers=self.headers,
			name="login",
			catch_response=True,
		) as r:
			if r.status_code != 200:
				r.failure(f"login {self.user}: {r.status_code}")
				return
		# The desk page carries the session's CSRF token, as a browser gets it.
		with self.client.get(
			"/app", headers={"Host": SITE}, name="login: desk page", catch_response=True
		) as r:
			found = re.search(r'csrf_token = "([^"]+)"', r.text or "")
			if not found:
				title = re.search(r"<title>(.*?)</title>", r.text or "", re.S)
				r.failure(f"{r.status_code} no csrf token in /app: {(title.group(1) if title else '')[:120]}")
				return
			self.headers["X-Frappe-CSRF-Token"] = found.group(1)

	def call(self, method: str, name: str, data: dict | None = None, get: bool = False):
		"""A desk call; the `message` of the answer (or its `docs`) or None when it failed."""
		label = f"{self.role} {name}"
		data = {k: (json.dumps(v) if isinstance(v, dict | list) else v) for k, v in (data or {}).items()}
		send, payload = (self.client.get, {"params": data}) if get else (self.client.post, {"data": data})
		with send(
			f"/api/method/{method}", headers=self.headers, name=label, catch_response=True, **payload
		) as r:
			body = None
			try:
				body = r.json()
			except ValueError:
				body = None
			if r.status_code != 200 or body is None or body.get("exc") or body.get("exc_type"):
				detail = ""
				if isinstance(body, dict):
					detail = body.get("exc_type") or ""
					msgs = body.get("_server_messages")
					if msgs:
						detail += " " + msgs[:200]
				r.failure(f"{r.status_code} {detail}".strip())
				return None
			return body

	def open_doc(self, doctype: str, name: str, label: str) -> dict | None:
		"""The desk's form opening a record (form.load.getdoc): the document, or None when it failed."""
		body = self.call("frappe.desk.form.load.getdoc", label, {"doctype": doctype, "name": name}, get=True)
		return body["docs"][0] if body else None

	def save(self, doc: dict, label: str) -> dict | None:
		"""The desk's Save of `doc` (form.save.savedocs): the saved document, or None when it failed."""
		body = self.call("frappe.desk.form.save.savedocs", label, {"doc": doc, "action": "Save"})
		return body["docs"][0] if body else None

	def desk_list(
		self,
		doctype: str,
		name: str,
		fields: list[str],
		filters: list | None = None,
		view: str = "List",
		page_length: int = 20,
		count: str | None = None,
		**extra,
	) -> list[dict] | None:
		"""The desk's list of `doctype` (reportview.get, the newest first) as rows, None when it failed;
		with `count`, the list's count too (client.get_count, named `count`), as the list view asks it."""
		filters = filters or []
		body = self.call(
			"frappe.desk.reportview.get",
			name,
			{
				"doctype": doctype,
				"fields": table(doctype, fields),
				"filters": filters,
				"order_by": f"`tab{doctype}`.`modified` desc",
				"start": 0,
				"page_length": page_length,
				"view": view,
				**extra,
				"with_comment_count": 1,
			},
		)
		if count:
			self.call(
				"frappe.client.get_count",
				count,
				{"doctype": doctype, "filters": filters, "limit": 1001},
				get=True,
			)
		if not body:
			return None
		message = body.get("message") or {}
		keys = message.get("keys") or []
		return [dict(zip(keys, row, strict=False)) for row in message.get("values") or []]


def new_doc(doctype: str, **values) -> dict:
	"""A new document as the desk's form sends it: a local name, not saved yet."""
	return {
		"doctype": doctype,
		"name": f"new-{doctype.lower().replace(' ', '-')}-{tag()}",
		"__islocal": 1,
		"__unsaved": 1,
		"docstatus": 0,
		**values,
	}


def today() -> str:
	return date.today().isoformat()


def year_ago() -> str:
	return (date.today() - timedelta(days=365)).isoformat()


def now_str() -> str:
	return datetime.now().strftime("%Y-%m-%d %H:%M:%S")


def tag() -> str:
	return uuid.uuid4().hex[:10]


class Rep(Person):
	role = "rep"
	weight = 10

	def on_start(self):
		super().on_start()
		self.data = FIXTURE["rep_data"][self.user]

	@task(10)
	def list_customers(self):
		self.desk_list(
			"CRM Customer",
			"list customers (reportview.get)",
			CUSTOMER_LIST_FIELDS,
			count="count customers (client.get_count)",
			group_by="",
		)

	def open_customer(self, name: str):
		doc = self.open_doc("CRM Customer", name, "open customer (form.load.getdoc)")
		if doc:
			self.call(
				"frappe.desk.notifications.get_open_count",
				"customer connections (get_open_count)",
				{"doctype": "CRM Customer", "name": name},
				get=True,
			)
		return doc

	@task(8)
	def customer_form(self):
		self.open_customer(random.choice(self.data["customers"]))

	@task(2)
	def save_customer(self):
		doc = self.open_customer(random.choice(self.data["customers"]))
		if not doc:
			return
		notes = f"Load test note {tag()}"
		doc["notes"] = notes
		if saved := self.save(doc, "save customer (form.save.savedocs)"):
			journal("customer_save", "CRM Customer", saved["name"], {"notes": notes})

	@task(1)
	def visit_with_check_in(self):
		if not self.data["located"]:
			return
		customer, lat, lng = random.choice(self.data["located"])
		doc = new_doc(
			"CRM Visit",
			customer=customer,
			visit_type="On-site",
			purpose="Care",
			status="Planned",
			sales_rep=self.user,
			planned_start=now_str(),
		)
		saved = self.save(doc, "new visit (form.save.savedocs)")
		if not saved:
			return
		journal(
			"visit",
			"CRM Visit",
			saved["name"],
			{"customer": customer, "status": "Planned"},
		)
		lat2, lng2 = float(lat) + 0.0002, float(lng) + 0.0002  # about 28 m away
		body = self.call(
			"run_doc_method",
			"visit check-in (run_doc_method check_in)",
			{
				"docs": saved,
				"method": "check_in",
				"args": {"latitude": lat2, "longitude": lng2, "accuracy": 10},
			},
		)
		if body:
			journal(
				"visit_check_in",
				"CRM Visit",
				saved["name"],
				{
					"status": "Checked In",
					"check_in_latitude": lat2,
					"check_in_longitude": lng2,
				},
			)

	@task(2)
	def activity(self):
		customer = random.choice(self.data["customers"])
		subject = f"Load test call {tag()}"
		doc = new_doc(
			"CRM Activity",
			activity_type="Call",
			subject=subject,
			customer=customer,
			done=1,
			outcome="Discussed the next order",
		)
		if saved := self.save(doc, "new activity (form.save.savedocs)"):
			journal(
				"activity",
				"CRM Activity",
				saved["name"],
				{
					"subject": subject,
					"customer": customer,
					"activity_type": "Call",
					"done": 1,
				},
			)

	@task(2)
	def kanban_move(self):
		cards = self.desk_list(
			"CRM Opportunity", "kanban cards (reportview.get)", KANBAN_FIELDS, view="Kanban", page_length=0
		)
		if cards is None:
			return
		order: dict[str, list[str]] = {}
		for card in cards:
			order.setdefault(card.get("stage") or "", []).append(card["name"])
		if not self.call(
			"frappe.desk.doctype.kanban_board.kanban_board.update_order",
			"kanban card order on opening (update_order)",
			{"board_name": FIXTURE["board"], "order": order},
		):
			return
		stages = FIXTURE["stages"]
		movable = [c for c in cards if c.get("status") == "Open" and c.get("stage") in stages]
		if not movable:
			return
		card = random.choice(movable)
		to = random.choice([s for s in stages if s != card["stage"]])
		column = order[card["stage"]]
		if self.call(
			"frappe.desk.doctype.kanban_board.kanban_board.update_order_for_single_card",
			"kanban move (update_order_for_single_card)",
			{
				"board_name": FIXTURE["board"],
				"docname": card["name"],
				"from_colname": card["stage"],
				"to_colname": to,
				"old_index": column.index(card["name"]),
				"new_index": 0,
			},
		):
			journal("kanban_move", "CRM Opportunity", card["name"], {"stage": to})


class Agent(Person):
	role = "agent"
	weight = 2

	def open_complaints(self):
		return (
			self.desk_list(
				"CRM Complaint",
				"list open complaints (reportview.get)",
				[
					"name",
					"subject",
					"status",
					"customer_name",
					"severity",
					"sla_status",
					"handler",
					"modified",
				],
				[["CRM Complaint", "status", "in", OPEN_COMPLAINT]],
				count="count open complaints (client.get_count)",
			)
			or []
		)

	@task(4)
	def list_complaints(self):
		self.open_complaints()

	@task(3)
	def take_and_answer(self):
		rows = self.open_complaints()
		mine = [r for r in rows if r.get("handler") in (None, "", self.user)]
		if not mine:
			return
		name = random.choice(mine)["name"]
		doc = self.open_doc("CRM Complaint", name, "open complaint (form.load.getdoc)")
		if not doc:
			return
		if doc.get("status") in ("New", "Acknowledged", "Reopened") or doc.get("handler") != self.user:
			doc["handler"] = self.user
			doc["status"] = "In Progress"
			if not self.save(doc, "take complaint (form.save.savedocs)"):
				return
			journal(
				"complaint_take",
				"CRM Complaint",
				name,
				{"handler": self.user, "status": "In Progress"},
			)
		content = f"Load test answer {tag()}: we are on it."
		body = self.call(
			"frappe.desk.form.utils.add_comment",
			"answer complaint (form.utils.add_comment)",
			{
				"reference_doctype": "CRM Complaint",
				"reference_name": name,
				"content": content,
				"comment_email": self.user,
				"comment_by": self.user,
			},
		)
		if body and body.get("message"):
			journal(
				"complaint_answer",
				"Comment",
				body["message"]["name"],
				{"content": content, "reference_name": name},
			)


class Manager(Person):
	role = "manager"
	weight = 2

	def report(self, report: str, filters: dict):
		self.call(
			"frappe.desk.query_report.run",
			f"report {report} (query_report.run)",
			{
				"report_name": report,
				"filters": filters,
				"ignore_prepared_report": "false",
				"are_default_filters": "true",
			},
		)

	@task(2)
	def sales_funnel(self):
		self.report(
			"Sales Funnel",
			{"from_date": year_ago(), "to_date": today(), "date_basis": "Created On"},
		)

	@task(2)
	def rep_performance(self):
		self.report("Sales Rep Performance", {"from_date": year_ago(), "to_date": today()})

	@task(3)
	def list_opportunities(self):
		self.desk_list(
			"CRM Opportunity",
			"list opportunities (reportview.get)",
			["name", "title", "stage", "status", "expected_amount"],
			[["CRM Opportunity", "status", "=", "Open"]],
		)


def accepted(r) -> dict | None:
	"""The guest's answer when the server accepted it (200 and "ok"); else the request is marked failed."""
	message = (r.json() or {}).get("message") if r.status_code == 200 else None
	if not message or not message.get("ok"):
		r.failure(f"{r.status_code} {str(message)[:100]}")
		return None
	return message


class Guest(Person):
	role = ""
	weight = 6

	def address(self) -> dict:
		return {
			"Host": SITE,
			"X-Forwarded-For": f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}",
		}

	def page(self, path: str, name: str, headers: dict, marker: str | None = None) -> bool:
		"""A public page: False (the request marked failed) unless it answers 200 (showing `marker`)."""
		with self.client.get(path, headers=headers, name=name, catch_response=True) as r:
			if r.status_code != 200 or (marker and marker not in (r.text or "")):
				r.failure(f"{r.status_code}")
				return False
		return True

	def submit(self, method: str, name: str, headers: dict, **body) -> dict | None:
		"""A public form's answer posted to `method`: the server's answer when it accepted it (`accepted`)."""
		with self.client.post(
			f"/api/method/{method}",
			headers={**headers, "Accept": "application/json"},
			name=name,
			catch_response=True,
			**body,
		) as r:
			return accepted(r)

	@task(3)
	def survey(self):
		if not TOKENS:
			return
		token = TOKENS.pop()
		USED_TOKENS[0] += 1
		headers = self.address()
		if not self.page(f"/survey?token={token}", "guest survey page", headers, marker="token"):
			return
		time.sleep(random.uniform(5, 15))  # reading and answering
		message = self.submit(
			"crm_plus.crm_surveys.api.submit",
			"guest survey submit",
			headers,
			json={"token": token, "answers": FIXTURE["answers"]},
		)
		if message:
			journal(
				"survey",
				"CRM Survey Response",
				message["response"],
				{"campaign": FIXTURE["campaign"], "channel": "Web Link"},
			)

	@task(1)
	def complaint(self):
		headers = self.address()
		if not self.page("/complaint", "guest complaint page", headers):
			return
		time.sleep(random.uniform(10, 20))  # typing
		subject = f"Load test delivery late {tag()}"
		email = f"guest-{tag()}@load-test.example"
		message = self.submit(
			"crm_plus.crm_complaints.public_form.submit_complaint",
			"guest complaint submit",
			headers,
			data={
				"full_name": "Load Guest",
				"phone": "13800138000",
				"email": email,
				"subject": subject,
				"description": "The delivery is three days late.",
				"category": random.choice(FIXTURE["categories"]) if FIXTURE["categories"] else "",
			},
		)
		if message:
			journal(
				"public_complaint",
				"CRM Complaint",
				message["complaint"],
				{"subject": subject, "raised_by": email, "channel": "Web"},
			)
