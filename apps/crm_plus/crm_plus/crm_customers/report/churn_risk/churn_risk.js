// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

{% include "crm_plus/public/js/report_filters.js" %}

crm_plus.report.define("Churn Risk", [
	{ fieldname: "days_without_purchase", label: __("Days Without Purchase"), fieldtype: "Int", default: 90 },
	...crm_plus.report.org(__("Account Manager")),
]);
