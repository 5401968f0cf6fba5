"""The framework seam: what the app copies from Frappe v15 must still be Frappe's.

- Every whitelisted method the app overrides (`hooks.override_whitelisted_methods`) copies the
  framework function's signature: the framework function must still exist at its dotted path with
  the same parameter names, kinds and defaults, or the desk would call the override with arguments it
  does not take (or the override would narrow a method nobody calls any more).
- The overridden controller class (`hooks.override_doctype_class`) and the inbound mail it re-classes
  still have, with the same signatures, every method the app's subclasses override.
- The request guard (`overrides.check_request_filters`) judges the method and DocType Frappe's own
  router will run (`overrides.request_route`); its routes must still be Frappe's, and the attacks that
  fooled it by the shape of a path (a suffix after the method, /api/v1 and /api/v2 mounts, a DocType
  named in the path, v2's run_doc_method) stay refused.

An upgrade of Frappe that moves any of these fails here, loudly, instead of opening a hole."""

import importlib
import inspect
import json
import unittest

import frappe
import frappe.app
from frappe.tests.test_api import make_request
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from crm_plus import hooks
from crm_plus.security import request_guard as overrides
from crm_plus.tests.http import HTTPTestCase, refused
from crm_plus.tests.names import CUSTOMER
from crm_plus.tests.utils import add_key_person

KEY_PERSON = "CRM Customer Key Person"
# Subclasses of framework classes that are not DocType controllers, with the framework class.
OTHER_SUBCLASSES = {"crm_plus.crm_complaints.mail.ComplaintMail": "frappe.email.receive.InboundMail"}


def attr(dotted: str):
	"""The object at a dotted path, importing its module (AssertionError, naming it, when it is gone)."""
	module, _, name = dotted.rpartition(".")
	try:
		return getattr(importlib.import_module(module), name)
	except (ImportError, AttributeError) as e:
		raise AssertionError(f"{dotted} is no longer in Frappe ({e}): review the override") from e


def shape(fn) -> list[tuple]:
	"""A signature as the caller sees it: names, kinds and defaults (annotations are the app's own)."""
	return [(p.name, p.kind.name, p.default) for p in inspect.signature(fn).parameters.values()]


class TestOverriddenMethodsAreFrappes(unittest.TestCase):
	"""One test per overridden whitelisted method (added below from hooks.override_whitelisted_methods)."""

	def assert_same_signature(self, framework: str, override: str):
		original, ours = attr(framework), attr(override)
		self.assertIn(
			original,
			frappe.whitelisted,
			f"{framework} is no longer whitelisted by Frappe: the override {override} may be stale",
		)
		self.assertEqual(
			shape(ours),
			shape(original),
			f"{override} copies the signature of {framework}, which Frappe changed",
		)

	def test_the_installed_frappe_is_in_the_declared_range(self):
		"""pyproject.toml declares the Frappe versions the app supports (those the suite has run on)."""
		from pathlib import Path

		import tomllib
		from packaging.specifiers import SpecifierSet
		from packaging.version import Version

		pyproject = Path(hooks.__file__).resolve().parents[1] / "pyproject.toml"
		declared = tomllib.loads(pyproject.read_text())["tool"]["bench"]["frappe-dependencies"]["frappe"]
		self.assertIn(Version(frappe.__version__), SpecifierSet(declared), declared)
		self.assertIn("<16", declared.replace(" ", ""), "the suite has not run on Frappe v16")


def _signature_test(framework: str, override: str):
	def test(self):
		self.assert_same_signature(framework, override)

	test.__doc__ = f"{framework} still exists with the signature {override} copies."
	return test


for _framework, _override in hooks.override_whitelisted_methods.items():
	setattr(
		TestOverriddenMethodsAreFrappes,
		f"test_{_override.rsplit('.', 1)[-1]}_matches_{_framework.replace('.', '_')}",
		_signature_test(_framework, _override),
	)


class TestOverriddenClassesAreFrappes(unittest.TestCase):
	def assert_overrides_match(self, ours: type, base: type):
		self.assertTrue(issubclass(ours, base), f"{ours} no longer subclasses {base}")
		own = {n: f for n, f in vars(ours).items() if inspect.isfunction(f) and not n.startswith("__")}
		self.assertTrue(own, ours)
		for name, fn in own.items():
			original = getattr(base, name, None)
			self.assertIsNotNone(
				original, f"{base.__qualname__}.{name} is gone: {ours.__qualname__} overrides it"
			)
			self.assertEqual(shape(fn), shape(original), f"{base.__qualname__}.{name} changed its signature")

	def test_overridden_doctype_classes_keep_the_methods_the_app_overrides(self):
		from frappe.model.base_document import get_controller
		from frappe.modules.utils import load_doctype_module

		for doctype, dotted in hooks.override_doctype_class.items():
			ours = attr(dotted)
			framework = getattr(load_doctype_module(doctype), doctype.replace(" ", ""))
			self.assertIs(get_controller(doctype), ours, doctype)
			self.assert_overrides_match(ours, framework)

	def test_other_subclasses_of_framework_classes_keep_the_methods_the_app_overrides(self):
		for dotted, base in OTHER_SUBCLASSES.items():
			self.assert_overrides_match(attr(dotted), attr(base))

	def test_inbound_mails_are_still_frappes_inbound_mail(self):
		"""EmailAccount.get_inbound_mails re-classes what Frappe returns into ComplaintMail."""
		from frappe.email.doctype.email_account.email_account import EmailAccount

		self.assertIn("InboundMail(", inspect.getsource(EmailAccount.get_inbound_mails))


class TestGuardRoutesAreFrappes(unittest.TestCase):
	"""The routes `overrides.request_route` reads are Frappe's, and resolve as the guard expects."""

	def route(self, path: str, method: str = "GET", **form) -> tuple[str, str | None]:
		had_request = hasattr(frappe.local, "request")
		saved = (getattr(frappe.local, "request", None), frappe.local.form_dict)
		frappe.local.request = Request(EnvironBuilder(path=path, method=method).get_environ())
		frappe.local.form_dict = frappe._dict(form)
		try:
			return overrides.request_route()
		finally:
			frappe.local.form_dict = saved[1]
			if had_request:
				frappe.local.request = saved[0]
			else:
				del frappe.local.request

	def test_the_rpc_routes_the_guard_reads_are_frappes(self):
		from frappe.api import API_URL_MAP

		rules = {r.rule: r.endpoint for r in API_URL_MAP.iter_rules()}
		for rule in (*overrides.RPC_ROUTES, overrides.V2_DOCTYPE_RPC_ROUTE):
			self.assertIn(rule, rules)
			self.assertEqual(rules[rule].__name__, "handle_rpc_call", rule)
		self.assertIn(overrides.V2_RUN_DOC_METHOD, rules)
		# Every route that runs a named method is one the guard knows.
		known = {*overrides.RPC_ROUTES, overrides.V2_DOCTYPE_RPC_ROUTE}
		for rule, endpoint in rules.items():
			if getattr(endpoint, "__name__", "") == "handle_rpc_call":
				self.assertIn(rule, known, f"Frappe routes {rule} to a method: teach request_route")

	def test_every_name_of_run_doc_method_is_one_the_guard_knows(self):
		"""A request runs a handler global by its bare name (`runserverobj`) or dotted: each name Frappe
		gives run_doc_method must turn a posted document into one by name (overrides.RUN_DOC_METHODS)."""
		import frappe.handler

		names = [n for n, v in vars(frappe.handler).items() if v is frappe.handler.run_doc_method]
		self.assertIn("runserverobj", names)
		for name in names:
			self.assertIn(name, overrides.RUN_DOC_METHODS)
			self.assertIn(f"frappe.handler.{name}", overrides.RUN_DOC_METHODS)

	def test_frappe_dispatches_cmd_before_the_api_path(self):
		source = inspect.getsource(frappe.app.application)
		self.assertLess(source.index("form_dict.cmd"), source.index('startswith("/api/")'))

	def test_paths_resolve_to_the_method_and_doctype_frappe_runs(self):
		card = "frappe.desk.doctype.number_card.number_card.get_result"
		for (path, method), expected in {
			("/api/method/frappe.client.get_count", "GET"): ("frappe.client.get_count", None),
			(f"/api/method/{card}/frappe.desk.query_report.run", "POST"): (card, None),
			("/api/v1/method/frappe.client.get/x", "GET"): ("frappe.client.get", None),
			("/api/v2/method/frappe.client.get_count", "GET"): ("frappe.client.get_count", None),
			("/api/v2/method/Kanban Board/update_order", "POST"): (
				"frappe.desk.doctype.kanban_board.kanban_board.update_order",
				None,
			),
			("/api/v2/method/run_doc_method", "POST"): (overrides.V2_RUN_DOC_METHOD, None),
			(f"/api/resource/{CUSTOMER}", "GET"): ("document_list", CUSTOMER),
			(f"/api/v1/resource/{CUSTOMER}", "GET"): ("document_list", CUSTOMER),
			(f"/api/v1/resource/{KEY_PERSON}/abc", "GET"): ("read_doc", KEY_PERSON),
			(f"/api/v2/document/{KEY_PERSON}/abc", "GET"): ("read_doc", KEY_PERSON),
			(f"/api/v2/document/{CUSTOMER}", "GET"): ("document_list", CUSTOMER),
			(f"/api/v2/doctype/{CUSTOMER}/count", "GET"): ("count", CUSTOMER),
			("/api/no/such/route", "GET"): ("", None),
		}.items():
			self.assertEqual(self.route(path, method), expected, path)
		self.assertEqual(
			self.route("/api/method/frappe.client.get_count", cmd="frappe.ping"), ("frappe.ping", None)
		)


class TestGuardOnEveryRoute(HTTPTestCase):
	"""The attacks that fooled the guard by a path's shape, over HTTP as the attacker."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		o = cls.org
		cls.key_person = add_key_person(o.c_a1, "Seam Marker", "13912340000")
		frappe.db.set_value(CUSTOMER, o.c_a1, "id_number", "110101199001011237")
		frappe.db.commit()

	def test_frappe_drops_a_method_paths_suffix_and_runs_cmd_first(self):
		"""What request_route copies from Frappe, seen from outside."""
		rep = self.login(self.org.rep_b)
		self.assertEqual(self.get(rep, "/api/method/frappe.ping/anything").json["message"], "pong")
		response = self.get(rep, "/api/method/frappe.client.get_count", {"cmd": "frappe.ping"})
		self.assertEqual(response.json["message"], "pong")

	def test_a_suffix_after_the_method_does_not_hide_it_from_the_guard(self):
		"""`/api/method/<card>/frappe.desk.query_report.x` ran the number card's raw SQL filter: the
		guard took the last segment for the method (a report's, whose filters it leaves alone)."""
		rep = self.login(self.org.rep_b)
		hostile = ["(select count(*) from `tabUser`)>0 or 1=1"]
		card = {
			"document_type": CUSTOMER,
			"function": "Count",
			"filters_json": json.dumps(hostile),
			"aggregate_function_based_on": "",
		}
		method = "frappe.desk.doctype.number_card.number_card.get_result"
		for path in (
			method,
			f"{method}/frappe.desk.query_report.x",
			f"{method}/x/frappe.desk.query_report.run",
		):
			response = self.post(rep, f"/api/method/{path}", {"doc": card, "filters": hostile})
			self.assertTrue(refused(response), f"{path}: {response.status_code} {response.text[:200]}")
		for path in ("frappe.desk.reportview.get", "frappe.client.get_list"):
			response = self.post(
				rep,
				f"/api/method/{path}/frappe.desk.query_report.x",
				{"doctype": CUSTOMER, "fields": ["name"], "filters": ["1=1 or 1=1"]},
			)
			self.assertTrue(refused(response), f"{path}: {response.status_code} {response.text[:200]}")

	def test_a_list_or_count_named_by_its_path_has_its_filters_checked(self):
		"""A filter on a field above the user's permission level answered yes or no about its value
		(an agent read ID numbers one prefix at a time) when the DocType was named in the path."""
		agent = self.login(self.org.agent_a)
		for path in (
			f"/api/resource/{CUSTOMER}",
			f"/api/v1/resource/{CUSTOMER}",
			f"/api/v2/document/{CUSTOMER}",
			f"/api/v2/doctype/{CUSTOMER}/count",
		):
			answers = set()
			for prefix in ("1101", "9999"):
				response = self.get(agent, path, {"filters": [["id_number", "like", f"{prefix}%"]]})
				self.assertTrue(refused(response), f"{path}: {response.status_code} {response.text[:200]}")
				answers.add(response.status_code)
			self.assertEqual(answers, {403}, path)
		# The agent's own list still works on every mount.
		for path in (f"/api/resource/{CUSTOMER}", f"/api/v2/document/{CUSTOMER}"):
			response = self.get(agent, path, {"filters": [["customer_name", "like", "%"]]})
			self.assertEqual(response.status_code, 200, f"{path}: {response.text[:200]}")

	def test_a_row_is_not_read_on_its_own_on_any_mount(self):
		rep = self.login(self.org.rep_b)
		for path in (
			f"/api/resource/{KEY_PERSON}/{self.key_person}",
			f"/api/v1/resource/{KEY_PERSON}/{self.key_person}",
			f"/api/v2/document/{KEY_PERSON}/{self.key_person}",
		):
			response = self.get(rep, path)
			self.assertTrue(refused(response), f"{path}: {response.status_code}")
			self.assertNotIn("Seam Marker", response.get_data(as_text=True), path)
			self.assertNotIn("13912340000", response.get_data(as_text=True), path)

	def test_v2_run_doc_method_runs_no_app_method_on_a_document_the_client_sends(self):
		"""As `run_doc_method` with `docs` (v1): the app's document methods act on the stored record."""
		o = self.org
		owner = self.login(o.rep_a1)
		doc = self.resource(owner, CUSTOMER, o.c_a1).json["data"]
		restored = {"customer": o.c_a1, "event_type": "Restored"}
		events = self.fresh().count("CRM Customer Event", restored)
		response = make_request(
			owner.post,
			("/api/v2/method/run_doc_method",),
			{"json": {"method": "restore", "document": doc | {"disabled": 1}, "kwargs": {"reason": "x"}}},
		)
		self.assertTrue(refused(response), f"{response.status_code} {response.text[:300]}")
		self.assertEqual(self.fresh().count("CRM Customer Event", restored), events)
		self.assertEqual(self.fresh().get_value(CUSTOMER, o.c_a1, "disabled"), 0)
		# By name, on the stored record, the method runs and refuses for what is stored.
		response = make_request(
			owner.post,
			(f"/api/v2/document/{CUSTOMER}/{o.c_a1}/method/restore",),
			{"json": {"reason": "x"}},
		)
		self.assertEqual(response.status_code, 417, response.text[:300])  # "is not deactivated"


class TestGuestArgumentsAreTyped(HTTPTestCase):
	"""Frappe validates an annotated whitelisted function's arguments before its body runs: a guest who
	sends an object or a list where an endpoint takes text is refused by the framework."""

	make_org = False

	def test_the_public_endpoints_refuse_arguments_of_the_wrong_type(self):
		guest = self.login("Guest")
		complaints = frappe.db.count("CRM Complaint")
		for method, args in (
			(
				"crm_plus.crm_complaints.public_form.submit_complaint",
				{"full_name": ["Li"], "email": "li@example.com", "subject": "s", "description": "d"},
			),
			("crm_plus.crm_complaints.feedback.submit", {"token": "x" * 20, "comment": {"text": "hi"}}),
			("crm_plus.crm_surveys.api.submit", {"token": ["x"], "answers": {}}),
		):
			response = make_request(guest.post, (f"/api/method/{method}",), {"json": args})
			self.assertEqual(response.status_code, 417, f"{method}: {response.text[:300]}")
			self.assertEqual(response.json.get("exc_type"), "FrappeTypeError", method)
		self.assertEqual(self.fresh().count("CRM Complaint"), complaints)
