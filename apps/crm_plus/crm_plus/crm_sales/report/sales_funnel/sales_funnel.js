// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

{% include "crm_plus/public/js/safe_text.js" %}

frappe.query_reports["Sales Funnel"] = {
	// Text columns (names users wrote) are shown as text.
	formatter: (...args) => crm_plus.safe_text.report_formatter(...args),
	filters: [
		{ fieldname: "from_date", label: __("From"), fieldtype: "Date", default: frappe.datetime.add_months(frappe.datetime.get_today(), -12), reqd: 1 },
		{ fieldname: "to_date", label: __("To"), fieldtype: "Date", default: frappe.datetime.get_today(), reqd: 1 },
		{
			fieldname: "date_basis",
			label: __("Period Of"),
			fieldtype: "Select",
			options: [
				{ value: "Created On", label: __("Created On") },
				{ value: "Expected Close", label: __("Expected Close") },
			],
			default: "Created On",
		},
		{ fieldname: "division", label: __("Division"), fieldtype: "Link", options: "CRM Division" },
		{ fieldname: "sales_team", label: __("Sales Team"), fieldtype: "Link", options: "CRM Sales Team" },
		{ fieldname: "account_manager", label: __("Opportunity Owner"), fieldtype: "Link", options: "User" },
	],
};
