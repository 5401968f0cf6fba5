// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

{% include "crm_plus/public/js/report_filters.js" %}

crm_plus.report.define("Inactive Staff", [
	{ fieldname: "days", label: __("Not Seen For (Days)"), fieldtype: "Int", default: 14, reqd: 1 },
	...crm_plus.report.org(),
]);
