from frappe import _


def get_data():
	"""The opportunity's stage history."""
	return {
		"fieldname": "opportunity",
		"transactions": [
			{"label": _("History"), "items": ["CRM Opportunity Stage Log"]},
			{"label": _("Sales"), "items": ["CRM Contract", "CRM Activity"]},
		],
	}
