"""Generated type annotations in every controller of the app, as Frappe writes them when a DocType is
saved in developer mode (`export_python_type_annotations` in hooks.py): the block between
`# begin: auto-generated types` and `# end: auto-generated types` at the top of each controller class.

Re-run after adding or changing a DocType (or after merging branches that did), on a migrated site
whose Python path holds this checkout, then format:

	bench --site SITE execute crm_plus.devtools.type_annotations.export
	ruff check --fix apps/crm_plus && ruff format apps/crm_plus

The annotations come from each DocType's JSON in this checkout (not the database), so a DocType's file
and its controller agree even before a migrate has stored the change; the controller classes of
child tables named in Table fields are looked up on the site.
"""

import json
from pathlib import Path

import frappe

APP = "crm_plus"


def doctype_files(app: str = APP) -> list[Path]:
	"""The JSON file of every DocType of the app, module by module."""
	app_path = Path(frappe.get_app_path(app))
	return [
		path
		for module in frappe.get_module_list(app)
		for path in sorted((app_path / frappe.scrub(module) / "doctype").glob("*/*.json"))
		if path.stem == path.parent.name
	]


def export(app: str = APP) -> list[str]:
	"""Write the type annotations into every controller of the app; returns the DocTypes written."""
	from frappe.types.exporter import TypeExporter

	written = []
	for path in doctype_files(app):
		definition = json.loads(path.read_text())
		if definition.get("doctype") != "DocType" or definition.get("custom"):
			continue
		controller = path.with_suffix(".py")
		before = controller.read_text()
		TypeExporter(frappe.get_doc(definition)).export_types()
		if controller.read_text() != before:
			written.append(definition["name"])
	return written
