// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

frappe.query_reports["Grade Migration"] = {
	filters: [
		{ fieldname: "from_date", label: __("From"), fieldtype: "Date", default: frappe.datetime.add_months(frappe.datetime.get_today(), -12), reqd: 1 },
		{ fieldname: "to_date", label: __("To"), fieldtype: "Date", default: frappe.datetime.get_today(), reqd: 1 },
		{ fieldname: "division", label: __("Division"), fieldtype: "Link", options: "CRM Division" },
		{ fieldname: "sales_team", label: __("Sales Team"), fieldtype: "Link", options: "CRM Sales Team" },
	],
};
