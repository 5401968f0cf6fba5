// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

frappe.query_reports["Churn Risk"] = {
	filters: [
		{ fieldname: "days_without_purchase", label: __("Days Without Purchase"), fieldtype: "Int", default: 90 },
		{ fieldname: "division", label: __("Division"), fieldtype: "Link", options: "CRM Division" },
		{ fieldname: "sales_team", label: __("Sales Team"), fieldtype: "Link", options: "CRM Sales Team" },
		{ fieldname: "account_manager", label: __("Account Manager"), fieldtype: "Link", options: "User" },
	],
};
