from frappe import _


def get_data():
	"""The customer's connections on its form, with counts: everything that belongs to it."""
	return {
		"fieldname": "customer",
		"transactions": [
			{"label": _("Sales"), "items": ["CRM Customer Transaction", "CRM Opportunity", "CRM Contract"]},
			{"label": _("Activities"), "items": ["CRM Activity"]},
			{"label": _("Visits"), "items": ["CRM Visit"]},
			{"label": _("Service"), "items": ["CRM Complaint", "CRM Survey Response"]},
			{
				"label": _("History"),
				"items": ["CRM Customer Grade Log", "CRM Customer Status Log", "CRM Customer Event"],
			},
		],
	}
