// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

{% include "crm_plus/public/js/report_filters.js" %}

crm_plus.report.define("Service Performance", [
	...crm_plus.report.period(3),
	...crm_plus.report.org(),
]);
