// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

{% include "crm_plus/public/js/report_filters.js" %}

crm_plus.report.define("Lost Reason Analysis", [
	...crm_plus.report.period(12),
	...crm_plus.report.org(__("Opportunity Owner")),
	{
		fieldname: "breakdown",
		label: __("Break Down By"),
		fieldtype: "Select",
		options: [
			{ value: "", label: "" },
			{ value: "Opportunity Owner", label: __("Opportunity Owner") },
			{ value: "Sales Team", label: __("Sales Team") },
			{ value: "Month", label: __("Month") },
		],
	},
]);
