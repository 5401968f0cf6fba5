// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

{% include "crm_plus/public/js/report_filters.js" %}

crm_plus.report.define("Sales Funnel", [
	...crm_plus.report.period(12),
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
	...crm_plus.report.org(__("Opportunity Owner")),
]);
