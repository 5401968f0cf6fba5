// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

frappe.views.calendar["CRM Visit"] = {
	field_map: {
		start: "planned_start",
		end: "planned_end",
		id: "name",
		title: "customer_name",
		status: "status",
	},
	style_map: {
		Planned: "info",
		"Checked In": "warning",
		Completed: "success",
		Missed: "danger",
		Cancelled: "default",
	},
	filters: [
		{ fieldtype: "Link", fieldname: "sales_rep", options: "User", label: __("Sales Rep") },
		{ fieldtype: "Link", fieldname: "customer", options: "CRM Customer", label: __("Customer") },
	],
	get_events_method: "frappe.desk.calendar.get_events",
};
