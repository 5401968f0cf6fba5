"""Every DocType of the app that holds customer data has a row rule for lists and a deny-only check
for single documents, and every child table of such a DocType follows its parent. Read from hooks.py
and the DocType JSON (hooks.py imports only crm_plus.domain, so it loads without Frappe)."""

import importlib

from tests.metadata import load_app

CUSTOMER = "CRM Customer"
# DocTypes every CRM role reads whole: masters, configuration, the organisation chart.
OPEN_TO_ALL = {
	"CRM Complaint Category",
	"CRM SLA Policy",
	"CRM Customer Grade",
	"CRM Customer Source",
	"CRM Customer Type",
	"CRM Division",
	"CRM Industry",
	"CRM Lost Reason",
	"CRM Opportunity Stage",
	"CRM Plus Settings",
	"CRM Region",
	"CRM Sales Team",
	"CRM Sent Notification",
	"CRM Survey Campaign",
	"CRM Survey Template",
}


def hooks():
	return importlib.import_module("crm_plus.hooks")


def ruled_problems(doctypes: dict, query_conditions: dict, has_permission: dict) -> list[str]:
	problems = []
	by_name = {dt["name"]: dt for dt in doctypes.values()}
	for name, dt in sorted(by_name.items()):
		if dt.get("istable") or dt.get("issingle") or name in OPEN_TO_ALL:
			continue
		if name not in query_conditions:
			problems.append(f"{name}: no permission_query_conditions")
		if name not in has_permission:
			problems.append(f"{name}: no has_permission")
		for field in dt.get("fields", []):
			if field.get("fieldtype") in ("Table", "Table MultiSelect"):
				child = field.get("options")
				if child not in query_conditions:
					problems.append(f"{name}: its child table {child} has no row rule")
	return problems


def test_every_doctype_with_customer_data_has_both_rules():
	h = hooks()
	meta = load_app()
	assert ruled_problems(meta.doctypes, h.permission_query_conditions, h.has_permission) == []


def test_the_check_catches_a_missing_rule():
	doctypes = {
		"a.json": {"name": "CRM Thing", "fields": [{"fieldtype": "Table", "options": "CRM Thing Row"}]},
		"b.json": {"name": "CRM Thing Row", "istable": 1, "fields": []},
	}
	problems = ruled_problems(doctypes, {"CRM Thing": "x"}, {})
	assert problems == [
		"CRM Thing: no has_permission",
		"CRM Thing: its child table CRM Thing Row has no row rule",
	]


def test_the_sales_funnel_is_ruled_like_customers():
	h = hooks()
	for doctype in ("CRM Lead", "CRM Opportunity", "CRM Opportunity Stage Log"):
		assert doctype in h.permission_query_conditions, doctype
		assert doctype in h.has_permission, doctype
	for doctype in ("CRM Lead", "CRM Opportunity"):
		assert "crm_plus.security.guards.check_placement" in h.doc_events[doctype]["validate"], doctype
	assert "crm_plus.security.guards.check_customer_link" in h.doc_events["CRM Opportunity"]["validate"]


def test_records_of_a_customer_use_the_customer_rule():
	h = hooks()
	for name, dt in load_app().doctypes.items():
		links = [f for f in dt["fields"] if f.get("fieldname") == "customer" and f.get("options") == CUSTOMER]
		if links and not dt.get("istable") and dt["name"] not in ("CRM Customer Transfer Item",):
			assert dt["name"] in h.permission_query_conditions, name
			assert dt["name"] in h.has_permission, name
			assert dt["name"] in h.doc_events and "validate" in h.doc_events[dt["name"]], name
