// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

frappe.query_reports["Customer Distribution"] = {
	filters: [
		{ fieldname: "group_by", label: __("Group By"), fieldtype: "Select", options: ["Grade", "Industry", "Region", "Status", "Age Band"].map((v) => ({ value: v, label: __(v) })), default: "Grade", reqd: 1 },
		{ fieldname: "division", label: __("Division"), fieldtype: "Link", options: "CRM Division" },
		{ fieldname: "sales_team", label: __("Sales Team"), fieldtype: "Link", options: "CRM Sales Team" },
		{ fieldname: "account_manager", label: __("Account Manager"), fieldtype: "Link", options: "User" },
	],
};
