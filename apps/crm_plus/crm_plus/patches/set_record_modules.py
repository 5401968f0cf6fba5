"""Records of the app that moved to another module take the module of the folder their JSON now sits in.

A migrate re-imports a report, workspace, number card or dashboard chart only when its file is newer
than the row, so a moved one would keep its old module (and Frappe would look for a report's script in
the old folder): each moved one is imported again from its file. A moved DocType gets its module here
and its definition from the migrate's sync (its file's hash changed). Module Defs of new modules in
modules.txt are added (a migrate adds none)."""

import json
from pathlib import Path

import frappe
from frappe.modules.import_file import import_file_by_path

APP = "crm_plus"
KINDS = {
	"doctype": "DocType",
	"report": "Report",
	"workspace": "Workspace",
	"number_card": "Number Card",
	"dashboard_chart": "Dashboard Chart",
}


def execute():
	# The map of modules to apps is cached (in Redis and in this process): read modules.txt again.
	frappe.cache.delete_value(["app_modules", "installed_app_modules"])
	frappe.local.app_modules = None
	frappe.setup_module_map()
	app_path = Path(frappe.get_app_path(APP))
	for module in frappe.get_module_list(APP):
		if not frappe.db.exists("Module Def", module):
			frappe.get_doc({"doctype": "Module Def", "module_name": module, "app_name": APP}).insert(
				ignore_permissions=True, ignore_if_duplicate=True
			)
		for kind, doctype in KINDS.items():
			for path in sorted((app_path / frappe.scrub(module) / kind).glob("*/*.json")):
				record = json.loads(path.read_text())
				if not isinstance(record, dict) or record.get("doctype") != doctype:
					continue
				stored = frappe.db.get_value(doctype, record["name"], "module")
				if stored is None or stored == module:
					continue
				frappe.db.set_value(doctype, record["name"], "module", module, update_modified=False)
				if doctype != "DocType":
					import_file_by_path(str(path), force=True)
	frappe.clear_cache()
