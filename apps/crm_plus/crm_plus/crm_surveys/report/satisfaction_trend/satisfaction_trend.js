// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

{% include "crm_plus/public/js/report_filters.js" %}

crm_plus.report.define("Satisfaction Trend", [
	...crm_plus.report.period(12),
	{ fieldname: "group_by", label: __("Group By"), fieldtype: "Select", options: ["Month", "Grade", "Account Manager"].map((v) => ({ value: v, label: __(v) })), default: "Month" },
	crm_plus.report.division(),
]);
