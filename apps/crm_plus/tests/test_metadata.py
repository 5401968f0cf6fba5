"""Metadata checks over every DocType, report, workspace, card, chart and fixture of the app.

Each check is also run on a broken sample, so that it is shown to fail when it should.
"""

import copy
import json

import pytest

from tests import metadata as m

META = m.load_app()


def test_the_app_has_metadata_to_check():
	assert "CRM Customer" in META.doctype_names
	assert "CRM Plus Settings" in META.doctype_names
	assert META.modules == [
		"CRM Customers",
		"CRM Setup",
		"CRM Visits",
		"CRM Surveys",
		"CRM Complaints",
		"CRM Sales",
	]


def test_all_metadata_is_sound():
	assert m.all_problems(META) == []


def test_domain_never_imports_frappe():
	assert m.frappe_imports() == []


def test_no_production_module_imports_the_development_tools():
	"""Benchmarks and fault drills (crm_plus.devtools) stay apart from what a site runs."""
	files = m.production_files()
	assert any(py.name == "hooks.py" for py in files)
	assert not any("devtools" in py.parts for py in files)
	assert m.imports_of(files, "crm_plus.devtools") == []


def test_every_module_has_a_package():
	for module in META.modules:
		assert (m.PACKAGE / m.scrub(module) / "__init__.py").exists(), module


def test_every_doctype_has_a_controller_and_init():
	for path, dt in META.doctypes.items():
		folder = m.PACKAGE / path.rsplit("/", 1)[0]
		assert (folder / "__init__.py").exists(), path
		assert (folder / f"{m.scrub(dt['name'])}.py").exists(), path


def test_field_order_lists_every_field_once():
	for path, dt in META.doctypes.items():
		names = [f["fieldname"] for f in dt["fields"]]
		assert dt.get("field_order", names) == names, path


# ---------------------------------------------------------------- broken samples


def sample_meta():
	meta = copy.deepcopy(META)
	return meta


def customer(meta):
	return next(d for d in meta.doctypes.values() if d["name"] == "CRM Customer")


def field(dt, fieldname):
	return next(f for f in dt["fields"] if f["fieldname"] == fieldname)


def problems_after(mutate):
	meta = sample_meta()
	mutate(meta)
	return m.all_problems(meta)


@pytest.mark.parametrize(
	"mutate, expected",
	[
		(
			lambda meta: field(customer(meta), "customer_name").update(fieldtype="Textbox"),
			"not a Frappe v15 fieldtype",
		),
		(lambda meta: field(customer(meta), "industry").update(options="Industry Type"), "neither a DocType"),
		(
			lambda meta: field(customer(meta), "key_people").update(options="CRM Customer"),
			"not a child table",
		),
		(lambda meta: field(customer(meta), "key_people").update(options=""), "needs options"),
		(
			lambda meta: customer(meta)["fields"].append({"fieldname": "email", "fieldtype": "Data"}),
			"duplicate fieldname",
		),
		(lambda meta: field(customer(meta), "notes").update(fieldname="modified_by"), "reserved"),
		(lambda meta: field(customer(meta), "notes").update(fieldname="class"), "reserved"),
		(lambda meta: field(customer(meta), "notes").update(fieldname="Notes Field"), "lower snake case"),
		(
			lambda meta: field(customer(meta), "tax_id").update(depends_on="eval:doc.kind=='Enterprise'"),
			"depends_on names the missing field 'kind'",
		),
		(
			lambda meta: field(customer(meta), "tax_id").update(mandatory_depends_on="no_such_field"),
			"mandatory_depends_on names the missing",
		),
		(
			lambda meta: field(customer(meta), "status").update(default="Happy"),
			"not one of the Select options",
		),
		(
			lambda meta: customer(meta)["permissions"].append({"role": "Sales Wizard", "read": 1}),
			"unknown role 'Sales Wizard'",
		),
		(lambda meta: customer(meta)["permissions"].append({"role": "CRM Admin"}), "grants nothing"),
		(
			lambda meta: customer(meta)["permissions"].append({"role": "CRM Admin", "submit": 1}),
			"not submittable",
		),
		(lambda meta: customer(meta).update(module="Sales"), "not in modules.txt"),
		(lambda meta: customer(meta).update(title_field="title"), "title_field 'title' is not a field"),
		(
			lambda meta: customer(meta).update(search_fields="customer_name,nickname"),
			"search field 'nickname'",
		),
		(lambda meta: customer(meta).update(name="Customer"), "CRM ' prefix"),
		(
			lambda meta: field(customer(meta), "division").update(fetch_from="team.division"),
			"fetch_from names the missing field",
		),
	],
)
def test_doctype_checks_catch_broken_samples(mutate, expected):
	found = problems_after(mutate)
	assert any(expected in p for p in found), found


def test_tree_check_catches_a_tree_without_nested_set_fields():
	def mutate(meta):
		region = next(d for d in meta.doctypes.values() if d["name"] == "CRM Region")
		region["fields"] = [f for f in region["fields"] if f["fieldname"] != "lft"]

	assert any("needs the field 'lft'" in p for p in problems_after(mutate))


def test_dynamic_link_check():
	def mutate(meta):
		log = next(d for d in meta.doctypes.values() if d["name"] == "CRM Sent Notification")
		field(log, "reference_name").update(options="doc_type")

	assert any("Dynamic Link options 'doc_type'" in p for p in problems_after(mutate))


REPORT = {
	"doctype": "Report",
	"name": "Broken Report",
	"report_type": "Script Report",
	"ref_doctype": "CRM Customer",
	"module": "CRM Plus",
	"roles": [{"role": "CRM Sales User"}],
}


@pytest.mark.parametrize(
	"change, expected",
	[
		({"ref_doctype": "Customer"}, "ref_doctype 'Customer' does not exist"),
		({"roles": [{"role": "Nobody"}]}, "unknown role 'Nobody'"),
		({"roles": []}, "no roles"),
		({"report_type": "Magic Report"}, "unknown report_type"),
		({}, "needs broken_report.py"),
	],
)
def test_report_checks_catch_broken_samples(change, expected):
	meta = sample_meta()
	meta.reports["crm_plus/report/broken_report/broken_report.json"] = {**REPORT, **change}
	assert any(expected in p for p in m.all_problems(meta))


def workspace(**extra):
	ws = {
		"doctype": "Workspace",
		"name": "Broken",
		"module": "CRM Plus",
		"links": [],
		"shortcuts": [],
		"number_cards": [],
		"charts": [],
		"roles": [],
		"content": "[]",
	}
	ws.update(extra)
	return ws


@pytest.mark.parametrize(
	"ws, expected",
	[
		(
			workspace(links=[{"type": "Link", "link_type": "DocType", "link_to": "Customer", "label": "C"}]),
			"does not resolve",
		),
		(
			workspace(shortcuts=[{"type": "Report", "link_to": "No Such Report", "label": "R"}]),
			"does not resolve",
		),
		(workspace(number_cards=[{"number_card_name": "Ghost Card"}]), "number card 'Ghost Card'"),
		(workspace(charts=[{"chart_name": "Ghost Chart"}]), "chart 'Ghost Chart'"),
		(workspace(roles=[{"role": "Nobody"}]), "unknown role"),
		(
			workspace(content=json.dumps([{"type": "shortcut", "data": {"shortcut_name": "Missing"}}])),
			"no matching entry",
		),
	],
)
def test_workspace_checks_catch_broken_samples(ws, expected):
	meta = sample_meta()
	meta.workspaces["crm_plus/workspace/broken/broken.json"] = ws
	assert any(expected in p for p in m.all_problems(meta))


def test_number_card_and_chart_checks_catch_broken_samples():
	meta = sample_meta()
	meta.number_cards["crm_plus/number_card/x/x.json"] = {
		"name": "X",
		"module": "CRM Plus",
		"type": "Document Type",
		"document_type": "Lead",
	}
	meta.charts["crm_plus/dashboard_chart/y/y.json"] = {
		"name": "Y",
		"module": "Nowhere",
		"chart_type": "Count",
		"document_type": "CRM Customer",
	}
	found = m.all_problems(meta)
	assert any("document_type 'Lead'" in p for p in found)
	assert any("module 'Nowhere'" in p for p in found)


def test_fixture_checks_catch_broken_samples():
	meta = sample_meta()
	meta.fixtures["fixtures/x.json"] = [
		{"doctype": "CRM Customer Grade", "grade_name": "A", "owner": "dev@laptop.local"},
		{"doctype": "CRM Customer Grade", "grade_name": "B", "colour": "red"},
		{"doctype": "Nonexistent"},
	]
	found = m.all_problems(meta)
	assert any("leftover" in p for p in found)
	assert any("unknown fields ['colour']" in p for p in found)
	assert any("unknown DocType 'Nonexistent'" in p for p in found)


def test_the_app_declares_its_composite_indexes():
	assert ("sales_person", "posting_date", "amount", "gross_profit") in META.indexes[
		"CRM Customer Transaction"
	]
	assert ("account_manager", "modified") in META.indexes["CRM Customer"]


def test_index_check_catches_broken_samples():
	meta = sample_meta()
	long = ("account_manager", "sales_team", "division", "customer_name", "status")  # 56 characters
	meta.indexes = {
		"Nonexistent": [("a", "b")],
		"CRM Visit": [
			("modified",),
			("creation", "no_such_field"),
			("creation", "modified"),
			("creation", "modified"),
		],
		"CRM Customer": [long, (*long, "grade")],
	}
	found = m.check_indexes(meta.indexes, meta)
	assert "indexes: unknown DocType 'Nonexistent'" in found
	assert any("2 to 16 columns" in p for p in found)
	assert any("has no column ['no_such_field']" in p for p in found)
	assert any("declared twice" in p for p in found)
	assert any("get the same name" in p for p in found)  # long names are cut to one name
	assert len(found) == 5


def test_frappe_import_rule_catches_every_form(tmp_path):
	pkg = tmp_path / "domain"
	pkg.mkdir()
	(pkg / "ok.py").write_text("import json\nfrom datetime import date\n")
	(pkg / "a.py").write_text("import frappe\n")
	(pkg / "b.py").write_text("from frappe.utils import now\n")
	(pkg / "c.py").write_text("def f():\n\timport frappe.model\n")
	(pkg / "d.py").write_text("x = __import__('frappe')\n")
	found = m.frappe_imports(pkg)
	assert sorted(f.split(":")[0] for f in found) == [
		"domain/a.py",
		"domain/b.py",
		"domain/c.py",
		"domain/d.py",
	]


def test_open_statuses_of_the_rules_are_options_of_the_status_fields():
	from crm_plus.domain import sla, visits

	def options(doctype):
		dt = next(d for d in META.doctypes.values() if d["name"] == doctype)
		return set(field(dt, "status")["options"].split("\n"))

	assert set(sla.OPEN_STATUSES) < options("CRM Complaint")
	assert set(sla.DONE_STATUSES) < options("CRM Complaint")
	assert not set(sla.OPEN_STATUSES) & set(sla.DONE_STATUSES)
	assert set(sla.OPEN_STATUSES) | set(sla.DONE_STATUSES) == options("CRM Complaint") - {""}
	assert set(visits.OPEN_STATUSES) < options("CRM Visit")


def test_the_at_risk_default_is_the_rules_own():
	"""The SLA policy form's default at-risk percent is the share the rules use when a policy has none."""
	from crm_plus.domain import sla

	dt = next(d for d in META.doctypes.values() if d["name"] == "CRM SLA Policy")
	assert float(field(dt, "at_risk_percent")["default"]) / 100 == sla.DEFAULT_AT_RISK_SHARE
	assert sla.at_risk_share(None) == sla.at_risk_share(0) == sla.DEFAULT_AT_RISK_SHARE
	assert sla.at_risk_share(90) == 0.9
