import frappe

DEFAULT_TARGETS = {"VIP": 12, "Key": 4}


def execute():
	"""Give the shipped VIP and key grades their yearly visit targets where none is set yet."""
	for grade, target in DEFAULT_TARGETS.items():
		if frappe.db.exists("CRM Customer Grade", grade) and not frappe.db.get_value(
			"CRM Customer Grade", grade, "annual_visit_target"
		):
			frappe.db.set_value("CRM Customer Grade", grade, "annual_visit_target", target)
