{% include "crm_plus/public/js/safe_text.js" %}
// The app's query reports declared once (CRM Plus): a report script includes this file and calls
// crm_plus.report.define(name, filters) with its filters built from the shared ones here (the period,
// the organisation); text columns are shown as text (crm_plus.safe_text). Idempotent. No backslashes
// here: scripts include this file through a regular-expression substitution.
(function () {
	frappe.provide("crm_plus");
	if (crm_plus.report) {
		return;
	}
	const today = () => frappe.datetime.get_today();
	const link = (fieldname, label, options) => ({ fieldname, label, fieldtype: "Link", options });

	crm_plus.report = {
		// From and To: the `months` months up to today, both required.
		period: (months) => [
			{ fieldname: "from_date", label: __("From"), fieldtype: "Date", default: frappe.datetime.add_months(today(), -months), reqd: 1 },
			{ fieldname: "to_date", label: __("To"), fieldtype: "Date", default: today(), reqd: 1 },
		],
		division: () => link("division", __("Division"), "CRM Division"),
		// The division and the sales team, and the owner under the label the report gives it (if any).
		org: (owner_label) => [
			crm_plus.report.division(),
			link("sales_team", __("Sales Team"), "CRM Sales Team"),
			...(owner_label ? [link("account_manager", owner_label, "User")] : []),
		],
		define(name, filters) {
			frappe.query_reports[name] = {
				formatter: (...args) => crm_plus.safe_text.report_formatter(...args),
				filters,
			};
		},
	};
})();
