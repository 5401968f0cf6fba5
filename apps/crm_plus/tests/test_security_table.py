"""The security shell's table (crm_plus.security.table) names every DocType of the app, and hooks.py
takes its permission wiring from it. Read from the DocType JSON and the table (both framework-free)."""

import importlib

from crm_plus.security import table
from tests.metadata import frappe_doctypes, load_app

KINDS = {
	table.CUSTOMER_RULE,
	table.BELONGS_TO,
	table.REP_OR_CUSTOMER,
	table.HANDLER_OR_CUSTOMER,
	table.OWNED_BY_REP,
	table.AGAINST,
	table.LOG_OF,
	table.CHILD_ROW,
	table.REFERENCE,
	table.CONTACT,
	table.FRAMEWORK_ROW,
	table.PUBLISHED,
	table.MASTER,
	table.GUARDED,
}


def missing_from_table(doctypes: dict, rules: dict) -> list[str]:
	return sorted(dt["name"] for dt in doctypes.values() if dt["name"] not in rules)


def test_every_app_doctype_is_in_the_table():
	assert missing_from_table(load_app().doctypes, table.RULES) == []


def test_the_check_catches_a_doctype_missing_from_the_table():
	doctypes = {"a.json": {"name": "CRM Customer"}, "b.json": {"name": "CRM Thing"}}
	assert missing_from_table(doctypes, table.RULES) == ["CRM Thing"]


def test_every_rule_is_of_a_known_kind_and_names_known_doctypes():
	app = load_app().doctype_names
	known = app | set(frappe_doctypes())
	for doctype, rule in table.RULES.items():
		assert rule.kind in KINDS, doctype
		assert doctype in known, doctype
		for other in (rule.of,) if isinstance(rule.of, str) else rule.of or ():
			assert other in table.RULES or other in known, (doctype, other)
	# The app's child tables of ruled records are rows of a parent the table rules.
	for child, parent in table.child_tables().items():
		assert table.RULES[parent].kind in table.CHECKED, child


def test_public_tokens_are_fields_of_their_doctype():
	by_name = {dt["name"]: dt for dt in load_app().doctypes.values()}
	tokens = {dt: rule.token for dt, rule in table.RULES.items() if rule.token}
	assert tokens == {"CRM Survey Invitation": "token", "CRM Complaint": "feedback_token"}
	for doctype, field in tokens.items():
		assert field in {f.get("fieldname") for f in by_name[doctype]["fields"]}, doctype


def test_the_child_rows_are_the_app_child_tables_of_ruled_records():
	meta = load_app()
	by_name = {dt["name"]: dt for dt in meta.doctypes.values()}
	for child, parent in table.child_tables().items():
		assert by_name[child].get("istable"), child
		tables = [f.get("options") for f in by_name[parent]["fields"] if f.get("fieldtype") == "Table"]
		assert child in tables, (child, parent)


def test_hooks_take_the_permission_wiring_from_the_table():
	hooks = importlib.import_module("crm_plus.hooks")
	listed = {dt for dt, rule in table.RULES.items() if rule.kind in table.LISTED}
	checked = {dt for dt, rule in table.RULES.items() if rule.kind in table.CHECKED or rule.has_permission}
	assert set(hooks.permission_query_conditions) == listed
	assert set(hooks.has_permission) == checked
	for doctype, events in table.guard_hooks().items():
		for event, methods in events.items():
			wired = hooks.doc_events[doctype][event]
			wired = [wired] if isinstance(wired, str) else wired
			assert all(m in wired for m in methods), (doctype, event)
