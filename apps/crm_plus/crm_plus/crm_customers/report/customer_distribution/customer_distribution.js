// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

{% include "crm_plus/public/js/report_filters.js" %}

crm_plus.report.define("Customer Distribution", [
	{ fieldname: "group_by", label: __("Group By"), fieldtype: "Select", options: ["Grade", "Industry", "Region", "Status", "Age Band"].map((v) => ({ value: v, label: __(v) })), default: "Grade", reqd: 1 },
	...crm_plus.report.org(__("Account Manager")),
]);
