"""The module "CRM Plus" was split: "CRM Customers" holds the customer archive, its masters, grading,
transfer and the customer reports; "CRM Setup" the settings, divisions, teams, regions, targets, the sent
alerts and the app's workspace; the other reports, cards and charts went to the modules they report on.

Existing sites: the new Module Defs and every moved record's module (set_record_modules), users and
module profiles kept out of the old module are kept out of both new ones, anything else that still names
the old module (a site's own reports, workspaces, custom fields...) names "CRM Customers", and the old
Module Def goes."""

import frappe
from frappe.model.rename_doc import get_link_fields

from crm_plus.patches import set_record_modules

OLD = "CRM Plus"
NEW = ("CRM Customers", "CRM Setup")


def execute():
	set_record_modules.execute()
	if not frappe.db.exists("Module Def", OLD):
		return
	blocked = frappe.get_all(
		"Block Module", filters={"module": OLD}, fields=["parent", "parenttype", "parentfield"]
	)
	for row in blocked:
		for module in NEW:
			if not frappe.db.exists(
				"Block Module", {"parent": row.parent, "parenttype": row.parenttype, "module": module}
			):
				frappe.get_doc({"doctype": "Block Module", "module": module, **row}).db_insert()
	frappe.db.delete("Block Module", {"module": OLD})
	for link in get_link_fields("Module Def"):
		if link.get("issingle"):
			if frappe.db.get_single_value(link["parent"], link["fieldname"]) == OLD:
				frappe.db.set_single_value(link["parent"], link["fieldname"], NEW[0])
		elif frappe.db.table_exists(link["parent"]):
			frappe.db.set_value(
				link["parent"], {link["fieldname"]: OLD}, link["fieldname"], NEW[0], update_modified=False
			)
	frappe.db.delete("Module Def", OLD)
	frappe.clear_cache()
