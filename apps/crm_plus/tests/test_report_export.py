"""Who may export a report (issue 22). Frappe v15 lets a user export a script report when the user's
roles have `export` on the report's ref DocType (`frappe.permissions.can_export`, checked by
`query_report.export_query` and by the report's Export menu); the report's own roles decide who runs
it. So every managing role that may run a report may export it through its ref DocType, and the roles
that work record by record (reps, agents) export nothing; what an export holds is the report's rows
for its user (tier 2: crm_plus/tests/test_people_by_name.py)."""

import json

from tests.translations import PACKAGE

MANAGING = {
	"CRM Sales Manager",
	"CRM Division Head",
	"CRM Service Supervisor",
	"CRM Service Manager",
	"CRM Executive",
	"CRM Admin",
	"System Manager",
}
RECORD_BY_RECORD = {"CRM Sales User", "CRM Service Agent"}


def _doctype(name: str) -> dict:
	folder = name.lower().replace(" ", "_")
	(path,) = PACKAGE.glob(f"*/doctype/{folder}/{folder}.json")
	return json.loads(path.read_text())


def _exporters(doctype: dict) -> set[str]:
	return {p["role"] for p in doctype["permissions"] if not p.get("permlevel") and p.get("export")}


def test_every_managing_role_that_runs_a_report_may_export_it():
	missing = []
	for path in sorted(PACKAGE.glob("*/report/*/*.json")):
		report = json.loads(path.read_text())
		if report.get("report_type") != "Script Report":
			continue
		runners = {r["role"] for r in report.get("roles", [])}
		exporters = _exporters(_doctype(report["ref_doctype"]))
		for role in sorted((runners & MANAGING) - exporters):
			missing.append(f"{report['name']} ({report['ref_doctype']}): {role}")
	assert not missing, "\n".join(missing)


def test_reps_and_agents_export_no_report():
	found = []
	for path in sorted(PACKAGE.glob("*/report/*/*.json")):
		report = json.loads(path.read_text())
		for role in sorted(_exporters(_doctype(report["ref_doctype"])) & RECORD_BY_RECORD):
			found.append(f"{report['name']} ({report['ref_doctype']}): {role}")
	assert not found, "\n".join(found)
