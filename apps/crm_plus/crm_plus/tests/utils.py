"""Integration-test helpers: a base class for Frappe v15 and v16, users per role, an organisation."""

import random

import frappe
from frappe.utils import add_to_date, now_datetime, random_string

try:  # Frappe v16
	from frappe.tests import IntegrationTestCase as _Base
except ImportError:  # Frappe v15
	from frappe.tests.utils import FrappeTestCase as _Base

from crm_plus.domain.roles import ALL_ROLES

PASSWORD = "Crm-Test-Pass-2026!"


class CRMTestCase(_Base):
	"""Base class of the app's integration tests; every test starts and ends as Administrator."""

	def setUp(self):
		super().setUp()
		frappe.set_user("Administrator")
		clear_scope_cache()

	def tearDown(self):
		frappe.set_user("Administrator")
		clear_scope_cache()
		super().tearDown()

	def as_user(self, user: str):
		frappe.set_user(user)
		clear_scope_cache()
		return user


class OrgTestCase(CRMTestCase):
	"""A CRMTestCase with an organisation (`cls.org`, see `Org`) made once for the class."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.org = Org()


def clear_scope_cache():
	from crm_plus.security.scope import clear_scope_cache as clear

	clear()


def make_user(email: str, roles: list[str], first_name: str | None = None) -> str:
	# Frappe refuses more than `throttle_user_limit` (60) new users an hour; repeated test runs need more.
	frappe.local.conf["throttle_user_limit"] = 100_000
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": first_name or email.split("@")[0],
				"send_welcome_email": 0,
				"user_type": "System User",
				"new_password": PASSWORD,
			}
		).insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	missing = [r for r in roles if r not in {d.role for d in user.roles}]
	if missing or not user.enabled:
		user.enabled = 1
		user.add_roles(*missing) if missing else user.save(ignore_permissions=True)
	return email


def make_role_users(prefix: str = "crm-role") -> dict[str, str]:
	"""One test user per CRM Plus role: {role: email}."""
	return {role: make_user(f"{prefix}-{frappe.scrub(role)}@test.example", [role]) for role in ALL_ROLES}


def make_customer(name: str | None = None, **fields) -> "frappe.model.document.Document":
	doc = frappe.get_doc(
		{
			"doctype": "CRM Customer",
			"customer_name": name or f"Test Customer {random_string(8)}",
			"customer_kind": fields.pop("customer_kind", "Enterprise"),
			"account_manager": fields.pop("account_manager", "Administrator"),
			**fields,
		}
	)
	return doc.insert(ignore_permissions=True)


def assign_customer(user: str, customer: str, description: str = "cover"):
	"""An open assignment (a ToDo) of `customer` to `user`: the customer joins the user's scope."""
	return frappe.get_doc(
		{
			"doctype": "ToDo",
			"allocated_to": user,
			"reference_type": "CRM Customer",
			"reference_name": customer,
			"description": description,
		}
	).insert()


def make_transaction(customer: str, amount: float, posting_date=None, **fields):
	return frappe.get_doc(
		{
			"doctype": "CRM Customer Transaction",
			"customer": customer,
			"amount": amount,
			"gross_profit": fields.pop("gross_profit", amount * 0.2),
			"posting_date": posting_date or frappe.utils.today(),
			**fields,
		}
	).insert(ignore_permissions=True)


def make_visit(customer: str, rep: str, start=None, **fields):
	"""A visit of `rep` to `customer`, an hour long from `start` (by default in two hours)."""
	start = start or add_to_date(now_datetime(), hours=2)
	return frappe.get_doc(
		{
			"doctype": "CRM Visit",
			"customer": customer,
			"sales_rep": rep,
			"planned_start": start,
			"planned_end": add_to_date(start, hours=1),
			**fields,
		}
	).insert(ignore_permissions=True)


def add_complaint(customer: str, subject: str, description: str = "x"):
	"""A complaint of `customer`, as set-up data (permissions aside)."""
	return frappe.get_doc(
		{"doctype": "CRM Complaint", "customer": customer, "subject": subject, "description": description}
	).insert(ignore_permissions=True)


def make_contact(customer: str, first_name: str, email: str | None = None, phone: str | None = None):
	"""A contact linked to `customer`, with a primary email address and/or phone number."""
	return frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": first_name,
			"email_ids": [{"email_id": email, "is_primary": 1}] if email else [],
			"phone_nos": [{"phone": phone, "is_primary_phone": 1}] if phone else [],
			"links": [{"link_doctype": "CRM Customer", "link_name": customer}],
		}
	).insert(ignore_permissions=True)


def add_key_person(customer: str, person_name: str, phone: str, **fields) -> str:
	"""A key person on `customer` (with `fields` set on the customer in the same save); returns the key
	person's row name."""
	doc = frappe.get_doc("CRM Customer", customer)
	doc.append("key_people", {"person_name": person_name, "phone": phone})
	doc.update(fields)
	doc.save(ignore_permissions=True)
	return doc.key_people[-1].name


def _insert(values: dict) -> str:
	"""Insert a document as the test's set-up (permissions aside); its name."""
	return frappe.get_doc(values).insert(ignore_permissions=True).name


class Org:
	"""Two divisions, a three-level sales tree in one of them, and users for every place.

	Division A: team A (manager mgr_a) with sub-team A-1 (reps rep_a1, rep_a2); head head_a;
	agent_a serves division A. Division B: team B (manager mgr_b, rep rep_b); head head_b.
	"""

	def __init__(self):
		s = self.suffix = random_string(6).lower()
		# Users keep fixed ids across runs: Frappe throttles creating more than 60 users an hour.
		sales, manager = "CRM Sales User", "CRM Sales Manager"
		self.rep_a1 = make_user("org-rep-a1@test.example", [sales])
		self.rep_a2 = make_user("org-rep-a2@test.example", [sales])
		self.rep_b = make_user("org-rep-b@test.example", [sales])
		self.mgr_a = make_user("org-mgr-a@test.example", [sales, manager])
		self.mgr_b = make_user("org-mgr-b@test.example", [sales, manager])
		self.head_a = make_user("org-head-a@test.example", ["CRM Division Head"])
		self.head_b = make_user("org-head-b@test.example", ["CRM Division Head"])
		self.agent_a = make_user("org-agent-a@test.example", ["CRM Service Agent"])
		self.executive = make_user("org-exec@test.example", ["CRM Executive"])
		# Frappe refuses to disable a user while no other System Manager is enabled.
		make_user("crm-system-manager@test.example", ["System Manager"])
		self.div_a = self._division(f"Division A {s}", self.head_a, [self.agent_a])
		self.div_b = self._division(f"Division B {s}", self.head_b, [])
		self.team_a = self._team(f"Team A {s}", self.div_a, self.mgr_a, None, [self.mgr_a], is_group=1)
		self.team_a1 = self._team(f"Team A-1 {s}", self.div_a, None, self.team_a, [self.rep_a1, self.rep_a2])
		self.team_b = self._team(f"Team B {s}", self.div_b, self.mgr_b, None, [self.rep_b])
		self.c_a1 = make_customer(
			f"A1 Customer {s}", account_manager=self.rep_a1, sales_team=self.team_a1
		).name
		self.c_a2 = make_customer(
			f"A2 Customer {s}", account_manager=self.rep_a2, sales_team=self.team_a1
		).name
		self.c_b = make_customer(f"B Customer {s}", account_manager=self.rep_b, sales_team=self.team_b).name
		clear_scope_cache()

	@staticmethod
	def _division(name, head, service_staff):
		users = [{"user": u} for u in service_staff]
		return _insert(
			{"doctype": "CRM Division", "division_name": name, "division_head": head, "service_staff": users}
		)

	@staticmethod
	def _team(name, division, manager, parent, members, is_group=0):
		return _insert(
			{
				"doctype": "CRM Sales Team",
				"team_name": name,
				"division": division,
				"manager": manager,
				"parent_crm_sales_team": parent,
				"is_group": is_group,
				"members": [{"user": u} for u in members],
			}
		)

	@property
	def all_customers(self) -> set[str]:
		return {self.c_a1, self.c_a2, self.c_b}


def serve_division(division: str, *users: str) -> None:
	"""Service staff who serve a division (its complaints and surveys reach them)."""
	doc = frappe.get_doc("CRM Division", division)
	for user in users:
		doc.append("service_staff", {"user": user})
	doc.save(ignore_permissions=True)


def remove_tags_and_boards(prefix: str) -> None:
	"""Delete the tags (with their links) and Kanban boards (with their columns) named `prefix`...: what
	attacks through the desk's tag and board endpoints leave behind."""
	for tag in frappe.get_all("Tag", {"name": ("like", f"{prefix}%")}, pluck="name"):
		frappe.db.delete("Tag Link", {"tag": tag})
		frappe.db.delete("Tag", {"name": tag})
	for board in frappe.get_all("Kanban Board", {"name": ("like", f"{prefix}%")}, pluck="name"):
		frappe.db.delete("Kanban Board Column", {"parent": board})
		frappe.db.delete("Kanban Board", {"name": board})


def division_supervisor(division: str) -> str:
	"""The tests' service supervisor (org-supervisor-a), serving `division`."""
	supervisor = make_user("org-supervisor-a@test.example", ["CRM Service Supervisor"])
	serve_division(division, supervisor)
	return supervisor


def random_ip() -> str:
	"""A private address for a guest's request (each guest its own rate limit)."""
	return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


def new_data_import(doctype: str, file_name: str, content) -> tuple:
	"""A private CSV file (`content`) and a Data Import of new `doctype` records from it, not started."""
	file = frappe.get_doc(
		{"doctype": "File", "file_name": file_name, "content": content, "is_private": 1}
	).insert(ignore_permissions=True)
	data_import = frappe.get_doc(
		{
			"doctype": "Data Import",
			"reference_doctype": doctype,
			"import_type": "Insert New Records",
			"import_file": file.file_url,
		}
	).insert(ignore_permissions=True)
	return file, data_import


def rep_b_with_a1_assigned(org: Org, label: str, count: int) -> list[str]:
	"""`count` customers of rep_b's own (removed with the organisation), and customer A1 of division A
	assigned to rep_b; the own customers' names."""
	own = [
		make_customer(f"B {label} {i} {org.suffix}", account_manager=org.rep_b, sales_team=org.team_b).name
		for i in range(count)
	]
	org.extra_customers = own
	assign_customer(org.rep_b, org.c_a1)
	return own
