"""Tests as the actor: a real HTTP request through the site's WSGI application, logged in as a user.

Requests run on their own database connection, so what a test sets up for them must be committed;
`HTTPTestCase` commits an organisation (see `utils.Org`) once per class and removes every record of
its customers afterwards. A test walks a journey as the user who walks it:

	rep = self.login(self.org.rep_b)
	self.assertEqual(self.call(rep, "frappe.client.get_count", doctype="CRM Customer").status_code, 200)
"""

import json

import frappe
from frappe.tests.test_api import make_request
from frappe.utils import add_days, get_test_client, now_datetime, random_string, today

from crm_plus.tests.utils import PASSWORD, CRMTestCase, Org


class HTTPTestCase(CRMTestCase):
	"""A committed organisation and logged-in HTTP clients. Subclasses may set `make_org = False`."""

	make_org = True

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls._clients = {}
		cls._created = []
		cls.org = Org() if cls.make_org else None
		frappe.db.commit()
		# Removed even when a subclass's setUpClass fails after this point (tearDownClass would not
		# run), so that no committed record outlives the class and changes what later tests see.
		cls.addClassCleanup(cls._remove_org)

	@classmethod
	def _remove_org(cls):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		for doctype, name in reversed(cls._created):
			for table in frappe.get_meta(doctype).get_table_fields():
				frappe.db.delete(table.options, {"parent": name, "parenttype": doctype})
			frappe.db.delete(doctype, {"name": name})
		if cls.org:
			remove_org(cls.org)
		frappe.db.commit()

	@classmethod
	def created(cls, doctype: str, name: str) -> str:
		"""Remember a record a request made that `remove_org` would not find (it has no customer link):
		it is deleted, with its child rows, when the class is done."""
		cls._created.append((doctype, name))
		return name

	# ---------------------------------------------------------------- the database as the requests left it
	def fresh(self):
		"""End this connection's transaction, so that reads see what the requests committed (MariaDB's
		repeatable read would otherwise show the snapshot taken before them)."""
		frappe.db.rollback()
		return frappe.db

	# ---------------------------------------------------------------- requests
	def login(self, user: str):
		"""A client with a session of `user` (cached per class); "Guest" gets a client without login."""
		if user in self._clients:
			return self._clients[user]
		client = get_test_client()
		if user != "Guest":
			response = make_request(
				client.post, ("/api/method/login",), {"json": {"usr": user, "pwd": PASSWORD}}
			)
			self.assertEqual(response.status_code, 200, response.text)
		self._clients[user] = client
		return client

	def get(self, client, path: str, params: dict | None = None):
		return make_request(client.get, (path,), {"query_string": _encode(params)})

	def post(self, client, path: str, data: dict | None = None):
		return make_request(client.post, (path,), {"data": _encode(data)})

	def put(self, client, path: str, data: dict):
		return make_request(client.put, (path,), {"json": data})

	def delete(self, client, path: str):
		return make_request(client.delete, (path,), {})

	def call(self, client, endpoint: str, http: str = "POST", **kwargs):
		"""A whitelisted method over HTTP; list and dict arguments are sent as JSON."""
		path = f"/api/method/{endpoint}"
		return self.get(client, path, kwargs) if http == "GET" else self.post(client, path, kwargs)

	def set_value(self, client, doctype: str, name: str, fieldname, value=None):
		"""`frappe.client.set_value` over HTTP, as the desk's inline edits call it; `fieldname` may be a dict
		of field values (then without `value`)."""
		return self.call(
			client, "frappe.client.set_value", doctype=doctype, name=name, fieldname=fieldname, value=value
		)

	def add_comment(self, client, doctype: str, name: str, content: str, email: str, by: str):
		"""A comment on a record's timeline, as the form's comment box adds one."""
		return self.call(
			client,
			"frappe.desk.form.utils.add_comment",
			reference_doctype=doctype,
			reference_name=name,
			content=content,
			comment_email=email,
			comment_by=by,
		)

	def file_complaint(self, client, **fields):
		"""A complaint of customer A1, received now, entered over REST as `client`: the answer."""
		subject = f"Late delivery {random_string(4)}"
		return self.insert(
			client,
			"CRM Complaint",
			customer=self.org.c_a1,
			received_at=now_datetime(),
			subject=subject,
			**fields,
		)

	def add_tag(self, client, tag: str, doctype: str, name: str):
		"""A tag on a record, as the desk's sidebar adds one."""
		return self.call(client, "frappe.desk.doctype.tag.tag.add_tag", tag=tag, dt=doctype, dn=name)

	def listed_among(self, user: str, doctype: str, names: set) -> set:
		"""Which of `names` the list of `doctype` shows `user` (over REST, every row)."""
		response = self.resource(self.login(user), doctype, fields=["name"], limit_page_length=0)
		self.assertEqual(response.status_code, 200, response.text[:300])
		return {r["name"] for r in response.json["data"]} & set(names)

	def assert_listed(self, doctype: str, shares: dict):
		"""Each user of `shares` ({user: names}) lists exactly their names among all the names given."""
		names = set().union(*shares.values())
		for user, share in shares.items():
			self.assertEqual(self.listed_among(user, doctype, names), share, user)

	def resource(self, client, doctype: str, name: str | None = None, **params):
		path = f"/api/resource/{doctype}" + (f"/{name}" if name else "")
		return self.get(client, path, params)

	def report_response(self, user: str, report: str, **filters):
		"""The desk's request for a script report's data, as `user`: the last 30 days unless the filters
		say otherwise."""
		return self.call(
			self.login(user),
			"frappe.desk.query_report.run",
			report_name=report,
			filters={"from_date": add_days(today(), -30), "to_date": today(), **filters},
			ignore_prepared_report=1,
		)

	def run_report(self, user: str, report: str, **filters):
		"""(status code, rows, chart) of a script report as the desk runs it, as `user`: the last 30 days
		unless the filters say otherwise; on a refusal, (status code, the answer's text, None)."""
		response = self.report_response(user, report, **filters)
		if response.status_code != 200:
			return response.status_code, response.text[:400], None
		message = response.json["message"]
		return 200, [r for r in message["result"] if isinstance(r, dict)], message.get("chart")

	def transfer(self, user: str, from_user: str, to_user: str, **fields):
		"""A customer transfer submitted by `user` over REST (分配客户), kept for the class's clean-up."""
		response = self.insert(
			self.login(user),
			"CRM Customer Transfer",
			from_user=from_user,
			to_user=to_user,
			**({"reason": "Leaving", "docstatus": 1} | fields),
		)
		if response.status_code == 200:
			self.created("CRM Customer Transfer", response.json["data"]["name"])
		return response

	def insert(self, client, doctype: str, **fields):
		"""A new document over REST (POST /api/resource/<doctype>), as the desk's form saves one."""
		return self.post(client, f"/api/resource/{doctype}", {"data": json.dumps(fields, default=str)})

	def run_method(self, client, doctype: str, name: str, method: str, **args):
		"""A document's whitelisted method, as the form's buttons call it (run_doc_method)."""
		return self.call(client, "run_doc_method", dt=doctype, dn=name, method=method, args=args)


def refused(response) -> bool:
	"""Refused for want of permission (not for a missing field or another validation)."""
	return response.status_code == 403


def _encode(values: dict | None) -> dict:
	return {
		k: json.dumps(v) if isinstance(v, list | dict | tuple) else v
		for k, v in (values or {}).items()
		if v is not None
	}


def customer_linked_doctypes() -> list[str]:
	"""The app's DocTypes with a `customer` link to CRM Customer (records that belong to a customer)."""
	return frappe.get_all(
		"DocField",
		filters={"fieldname": "customer", "options": "CRM Customer", "parent": ("like", "CRM %")},
		pluck="parent",
		distinct=True,
	)


def remove_org(org: Org) -> None:
	"""Delete an organisation's customers with everything that belongs to them, its teams and divisions."""
	customers = list(org.all_customers | set(getattr(org, "extra_customers", ())))
	removed = list(customers)  # every record removed: what points at them goes too
	for doctype in customer_linked_doctypes():
		if frappe.get_meta(doctype).istable:
			continue
		names = frappe.get_all(doctype, {"customer": ("in", customers)}, pluck="name")
		for meta_child in frappe.get_meta(doctype).get_table_fields():
			if names:
				frappe.db.delete(meta_child.options, {"parent": ("in", names), "parenttype": doctype})
		if names:
			frappe.db.delete(doctype, {"name": ("in", names)})
			removed += [str(n) for n in names]
	# ToDos, files, comments and shares of removed records: a name reused by a later run (naming
	# series roll back with in-process tests) must not inherit them.
	for doctype, field in (
		("ToDo", "reference_name"),
		("File", "attached_to_name"),
		("Comment", "reference_name"),
		("DocShare", "share_name"),
	):
		frappe.db.delete(doctype, {field: ("in", removed)})
	frappe.db.delete("CRM Customer Key Person", {"parent": ("in", customers)})
	frappe.db.delete("CRM Customer", {"name": ("in", customers)})
	for team in (org.team_a1, org.team_a, org.team_b):
		frappe.delete_doc("CRM Sales Team", team, force=True, ignore_permissions=True)
	for division in (org.div_a, org.div_b):
		frappe.delete_doc("CRM Division", division, force=True, ignore_permissions=True)
