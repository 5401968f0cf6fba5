from frappe import _


def get_data():
	"""The lead's connections: the customer it became and its opportunities."""
	return {
		"fieldname": "lead",
		"transactions": [{"label": _("Sales"), "items": ["CRM Customer", "CRM Opportunity", "CRM Activity"]}],
	}
