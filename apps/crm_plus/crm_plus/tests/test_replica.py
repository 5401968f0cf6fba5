"""The read-replica tier: the app on Frappe's scale-out path (`read_from_replica`, crm_plus.read_replica).

Runs only when the site names a replica (`replica_host`, `replica_db_port` in site_config.json) that
answers, is read-only and replicates this site's database (scripts/replica.sh); otherwise every test is
skipped with the reason printed. The tier switches `read_from_replica` on while it runs and restores
the site's own value afterwards, so the rest of the suite reads as the site is configured. It also needs an administrator of the replica over TCP, to
read the replica's general log and to pause replication (REPLICA_ADMIN_USER / REPLICA_ADMIN_PASSWORD,
default root/root as scripts/replica.sh makes it).

As real users over HTTP, every report, list, count, number card, chart source, export and link search
of the app is asked twice, once with the site reading from the replica and once from the primary
(`read_from_replica` switched off in site_config.json between the two rounds): each answer of the
first round was read on the replica (the replica's general log holds the request's SELECTs), nothing
in it tried to write there (no INSERT, UPDATE, DELETE... of the site's account on the replica), and
the two rounds give the same figures. Then a journey writes and reads with replication paused.
"""

import os
import re
import time
import unittest
from contextlib import contextmanager

import frappe
import pymysql
from frappe import scrub
from frappe.installer import update_site_config
from frappe.utils import add_months, today

from crm_plus.tests.http import HTTPTestCase
from crm_plus.tests.utils import make_user

WRITE = re.compile(
	r"^\s*(insert|update|delete|replace|create|alter|drop|truncate|rename|grant|lock\s+table)\b", re.I
)
READ = re.compile(r"^\s*(\(\s*)?select\b", re.I)
PIN_SECONDS = 2
REPORT_FILTERS = {
	"customer_distribution": {"group_by": "Grade"},
	"churn_risk": {"days_without_purchase": 90},
	"inactive_staff": {"days": 14},
	"sales_funnel": {"date_basis": "Created On"},
	"satisfaction_trend": {"group_by": "Month"},
}


def _admin():
	"""A connection to the replica as its administrator, or None."""
	conf = frappe.conf
	try:
		return pymysql.connect(
			host=conf.replica_host,
			port=int(conf.replica_db_port or 3306),
			user=os.environ.get("REPLICA_ADMIN_USER", "root"),
			password=os.environ.get("REPLICA_ADMIN_PASSWORD", "root"),
			autocommit=True,
			connect_timeout=3,
		)
	except Exception:
		return None


def unavailable() -> str | None:
	"""Why the tier cannot run on this site, or None."""
	conf = frappe.conf
	if not conf.replica_host:
		return "the site names no replica (replica_host is not set; see scripts/replica.sh)"
	admin = _admin()
	if not admin:
		return f"no replica administrator answers on {conf.replica_host}:{conf.replica_db_port or 3306}"
	with admin.cursor() as cur:
		cur.execute("select @@server_id, @@read_only")
		server_id, read_only = cur.fetchone()
		cur.execute("select count(*) from information_schema.schemata where schema_name = %s", conf.db_name)
		has_db = cur.fetchone()[0]
		cur.execute("show slave status")
		replicating = cur.fetchone()
	admin.close()
	if server_id == frappe.db.sql("select @@server_id")[0][0]:
		return "replica_host/replica_db_port name the primary itself"
	if not read_only:
		return "the replica is not read_only"
	if not has_db or not replicating:
		return "the replica does not replicate this site's database (scripts/replica.sh start SITE)"
	return None


class ReplicaTestCase(HTTPTestCase):
	@classmethod
	def setUpClass(cls):
		reason = unavailable()
		if reason:
			print(f"\n[replica tier] SKIPPED: {reason}")
			raise unittest.SkipTest(reason)
		super().setUpClass()
		site_value = frappe.conf.get("read_from_replica")
		update_site_config("read_from_replica", 1)
		cls.addClassCleanup(
			update_site_config, "read_from_replica", "None" if site_value is None else site_value
		)
		# a login writes (the session, the user's last login): the user then reads from the primary for
		# these seconds (crm_plus.read_replica); short here, so that the tier waits little
		pin = frappe.conf.get("replica_read_your_writes_seconds")
		update_site_config("replica_read_your_writes_seconds", PIN_SECONDS)
		cls.addClassCleanup(update_site_config, "replica_read_your_writes_seconds", pin or "None")
		cls.admin = _admin()
		cls.addClassCleanup(cls.admin.close)
		cls.replica_sql("start slave")
		cls.caught_up()

	@classmethod
	def replica_sql(cls, query: str, args=None) -> tuple:
		with cls.admin.cursor() as cur:
			cur.execute(query, args)
			return cur.fetchall()

	@classmethod
	def caught_up(cls, timeout: int = 30) -> None:
		"""Wait until the replica has applied everything the primary has committed."""
		frappe.db.commit()
		position = frappe.db.sql("select @@global.gtid_binlog_pos")[0][0]
		waited = cls.replica_sql("select master_gtid_wait(%s, %s)", (position, timeout))[0][0]
		if waited != 0:
			raise AssertionError(f"the replica did not reach {position} in {timeout} s")

	def logged_in(self, *users: str) -> None:
		"""Log the users in, then wait until their logins' writes no longer pin them to the primary."""
		for user in users:
			self.login(user)
		time.sleep(PIN_SECONDS + 0.5)

	@contextmanager
	def primary_only(self):
		"""Requests read from the primary (site_config.json is read again by every request)."""
		update_site_config("read_from_replica", 0)
		try:
			yield
		finally:
			update_site_config("read_from_replica", 1)

	@contextmanager
	def replica_log(self):
		"""The statements this site's account sends the replica while the block runs."""
		self.replica_sql("set global log_output = 'TABLE'")
		self.replica_sql("set global general_log = 1")
		self.replica_sql("truncate table mysql.general_log")
		statements = []
		try:
			yield statements
		finally:
			rows = self.replica_sql(
				"""select convert(argument using utf8mb4) from mysql.general_log
				where user_host like %s and command_type in ('Query', 'Execute')""",
				(frappe.conf.db_name + "[%",),
			)
			statements.extend(r[0] for r in rows)
			self.replica_sql("set global general_log = 0")


class TestReadSurfacesOnReplica(ReplicaTestCase):
	"""Every read surface of the app, served from the replica, writing nothing, with the primary's
	figures."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		modules = frappe.get_all("Module Def", {"app_name": "crm_plus"}, pluck="name")
		cls.doctypes = frappe.get_all(
			"DocType", {"module": ("in", modules), "istable": 0, "issingle": 0}, pluck="name", order_by="name"
		)
		cls.reports = frappe.get_all(
			"Report",
			{"module": ("in", modules), "disabled": 0, "report_type": "Script Report"},
			["name", "ref_doctype"],
			order_by="name",
		)
		cls.cards = frappe.get_all(
			"Number Card",
			{"module": ("in", modules)},
			[
				"name",
				"type",
				"method",
				"filters_json",
				"document_type",
				"function",
				"aggregate_function_based_on",
			],
			order_by="name",
		)
		# exports need the export right on every DocType a report reads (CRM Admin has it)
		cls.exporter = make_user("replica-exporter@test.example", ["CRM Admin"])
		frappe.db.commit()
		cls.charts = frappe.get_all(
			"Dashboard Chart",
			{"module": ("in", modules)},
			["name", "chart_type", "source", "report_name", "filters_json"],
			order_by="name",
		)

	def surfaces(self):
		"""(label, user, method, kwargs) of every read surface, for three viewers of different reach."""
		org = self.org
		year = {"from_date": add_months(today(), -12), "to_date": today()}
		for user in (org.executive, org.mgr_a, org.rep_a1):
			for report in self.reports:
				filters = year | REPORT_FILTERS.get(scrub(report.name), {})
				yield (
					f"report {report.name}",
					user,
					"frappe.desk.query_report.run",
					{"report_name": report.name, "filters": filters, "ignore_prepared_report": 1},
				)
			for card in self.cards:
				filters = frappe.parse_json(card.filters_json or "[]")
				if card.type == "Custom":
					yield f"number card {card.name}", user, card.method, {"filters": filters}
				else:
					doc = {
						"document_type": card.document_type,
						"function": card.function,
						"aggregate_function_based_on": card.aggregate_function_based_on,
					}
					yield (
						f"number card {card.name}",
						user,
						"frappe.desk.doctype.number_card.number_card.get_result",
						{"doc": doc, "filters": filters},
					)
			for chart in self.charts:
				if chart.chart_type == "Custom":
					module = scrub(frappe.db.get_value("Dashboard Chart Source", chart.source, "module"))
					source = scrub(chart.source)
					method = f"crm_plus.{module}.dashboard_chart_source.{source}.{source}.get"
					yield f"chart {chart.name}", user, method, {"chart_name": chart.name}
				elif chart.chart_type == "Report":
					filters = year | frappe.parse_json(chart.filters_json or "{}")
					yield (
						f"chart {chart.name}",
						user,
						"frappe.desk.query_report.run",
						{"report_name": chart.report_name, "filters": filters, "ignore_prepared_report": 1},
					)
		for user in (org.executive, org.rep_a1):
			for doctype in self.doctypes:
				order = f"`tab{doctype}`.`name` asc"
				yield (
					f"list {doctype}",
					user,
					"frappe.desk.reportview.get",
					{"doctype": doctype, "fields": ["name"], "order_by": order, "page_length": 100},
				)
				yield f"count {doctype}", user, "frappe.desk.reportview.get_count", {"doctype": doctype}
				yield (
					f"link search {doctype}",
					user,
					"frappe.desk.search.search_link",
					{"doctype": doctype, "txt": "", "page_length": 1000},
				)
		for doctype in ("CRM Customer", "CRM Complaint", "CRM Visit", "CRM Opportunity"):
			yield (
				f"list export {doctype}",
				self.exporter,
				"frappe.desk.reportview.export_query",
				{
					"doctype": doctype,
					"file_format_type": "CSV",
					"fields": [f"`tab{doctype}`.`name`"],
					"order_by": f"`tab{doctype}`.`name` asc",
					"filters": [],
				},
			)
		for report in self.reports:
			filters = year | REPORT_FILTERS.get(scrub(report.name), {})
			yield (
				f"report export {report.name}",
				self.exporter,
				"frappe.desk.query_report.export_query",
				{
					"report_name": report.name,
					"file_format_type": "CSV",
					"filters": filters,
					"visible_idx": [],
				},
			)

	def ask(self, user, method, kwargs):
		response = self.call(self.login(user), method, **kwargs)
		if response.content_type.startswith("application/json"):
			answer = response.json
			if isinstance(answer.get("message"), dict):
				answer["message"].pop("execution_time", None)
			answer.pop("_server_messages", None)
			return response.status_code, _sorted_search(method, answer)
		return response.status_code, response.data

	def test_every_read_surface_answers_from_the_replica_with_the_primarys_figures(self):
		surfaces = list(self.surfaces())
		self.logged_in(*{user for _label, user, _method, _kwargs in surfaces})
		self.assertTrue(self.reports and self.cards and self.charts and self.doctypes)
		on_replica, failures, answered = {}, [], set()
		for label, user, method, kwargs in surfaces:
			with self.replica_log() as statements:
				status, answer = self.ask(user, method, kwargs)
			key = (label, user)
			on_replica[key] = (status, answer)
			writes = [s for s in statements if WRITE.match(s)]
			if writes:
				failures.append(f"{label} as {user} tried to write on the replica: {writes[:3]}")
			# a refusal (a report or DocType the viewer may not read) only has to be the primary's refusal
			if status == 200:
				answered.add(_kind(label))
				if not any(READ.match(s) for s in statements):
					failures.append(f"{label} as {user} was not read on the replica ({method})")
		with self.primary_only():
			for label, user, method, kwargs in surfaces:
				with self.replica_log() as statements:
					answer = self.ask(user, method, kwargs)
				if statements:
					failures.append(f"{label} as {user} read the replica with read_from_replica off")
				if answer != on_replica[(label, user)]:
					failures.append(f"{label} as {user}: the replica's answer differs from the primary's")
		kinds = {_kind(label) for label, _user, _method, _kwargs in surfaces}
		failures += [f"no {kind} answered any viewer" for kind in sorted(kinds - answered)]
		self.assertFalse(failures, "\n".join(failures))
		# the figures are real: the executive's customer count is the site's
		count = on_replica[("count CRM Customer", self.org.executive)][1]["message"]
		self.assertEqual(count, frappe.db.count("CRM Customer"))


class TestWriteThenReadUnderLag(ReplicaTestCase):
	"""Saving and reading back while the replica lags behind (its SQL thread stopped): the user who
	saved reads from the primary for `replica_read_your_writes_seconds` and finds the record; another
	user's lists, served by the replica, show it once the replica has applied it; a document opened by
	name (served by the primary) is there at once for everyone who may read it. A lag longer than the
	pin shows the writer the replica's (older) list again until the replica catches up."""

	def list_names(self, user: str, customer_name: str) -> list:
		response = self.call(
			self.login(user),
			"frappe.desk.reportview.get",
			doctype="CRM Customer",
			fields=["name"],
			filters=[["CRM Customer", "customer_name", "=", customer_name]],
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		message = response.json["message"]  # no rows: an empty list instead of keys and values
		return message.get("values", []) if message else []

	def test_a_saved_customer_under_replication_lag(self):
		rep, manager = self.org.rep_a1, self.org.mgr_a
		self.logged_in(rep, manager)
		self.replica_sql("stop slave sql_thread")
		try:
			name_text = f"Lagging Customer {self.org.suffix}"
			response = self.insert(
				self.login(rep),
				"CRM Customer",
				customer_name=name_text,
				account_manager=rep,
				sales_team=self.org.team_a1,
			)
			self.assertEqual(response.status_code, 200, response.text[:300])
			name = response.json["data"]["name"]
			self.org.extra_customers = [*getattr(self.org, "extra_customers", ()), name]
			# the writer reads its own write on the next request (pinned to the primary)
			self.assertEqual(self.list_names(rep, name_text), [[name]])
			# another user's list comes from the lagging replica: not there yet ...
			self.assertEqual(self.list_names(manager, name_text), [])
			# ... while the document itself, opened by name, is read from the primary
			opened = self.resource(self.login(manager), "CRM Customer", name)
			self.assertEqual(opened.status_code, 200, opened.text[:300])
			# a lag longer than the pin: once it has passed, the writer's list is the replica's again
			time.sleep(PIN_SECONDS + 0.5)
			self.assertEqual(self.list_names(rep, name_text), [])
		finally:
			self.replica_sql("start slave sql_thread")
		self.caught_up()
		self.assertEqual(self.list_names(manager, name_text), [[name]])


def _kind(label: str) -> str:
	"""'report', 'number card', 'chart', 'list', 'count', 'link search', 'list export', 'report export'."""
	for kind in (
		"report export",
		"list export",
		"link search",
		"number card",
		"report",
		"chart",
		"list",
		"count",
	):
		if label.startswith(kind + " "):
			return kind
	return label


def _sorted_search(method: str, answer: dict) -> dict:
	"""Link search ranks by relevance and then by modified time; rows tied there come back in either
	order from two servers: compare them as a set."""
	if method.endswith("search_link") and isinstance(answer.get("message"), list):
		answer["message"] = sorted(answer["message"], key=lambda r: str(r))
	return answer
