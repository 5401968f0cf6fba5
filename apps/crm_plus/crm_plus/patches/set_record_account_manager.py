import frappe


def execute():
	"""Complaints and survey responses stored before they recorded the rep: the customer's current
	account manager, one UPDATE per table."""
	for doctype in ("CRM Complaint", "CRM Survey Response"):
		frappe.db.sql(
			f"""update `tab{doctype}` x join `tabCRM Customer` c on c.name = x.customer
			set x.account_manager = c.account_manager where x.account_manager is null"""
		)
