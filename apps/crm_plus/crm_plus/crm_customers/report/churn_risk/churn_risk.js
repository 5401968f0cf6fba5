// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

{% include "crm_plus/public/js/safe_text.js" %}

frappe.query_reports["Churn Risk"] = {
	// Text columns (names users wrote) are shown as text.
	formatter: (...args) => crm_plus.safe_text.report_formatter(...args),
	filters: [
		{ fieldname: "days_without_purchase", label: __("Days Without Purchase"), fieldtype: "Int", default: 90 },
		{ fieldname: "division", label: __("Division"), fieldtype: "Link", options: "CRM Division" },
		{ fieldname: "sales_team", label: __("Sales Team"), fieldtype: "Link", options: "CRM Sales Team" },
		{ fieldname: "account_manager", label: __("Account Manager"), fieldtype: "Link", options: "User" },
	],
};
