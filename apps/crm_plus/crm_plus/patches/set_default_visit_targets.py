import frappe

from crm_plus.default_records import shipped_records


def execute():
	"""Give the shipped grades their yearly visit targets (from default_records.json) where none is set."""
	for grade in shipped_records("CRM Customer Grade"):
		target = grade.get("annual_visit_target")
		if (
			target
			and frappe.db.exists("CRM Customer Grade", grade["grade_name"])
			and not frappe.db.get_value("CRM Customer Grade", grade["grade_name"], "annual_visit_target")
		):
			frappe.db.set_value("CRM Customer Grade", grade["grade_name"], "annual_visit_target", target)
