// The workspace chart's source: see crm_complaints_by_category.py.
frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["CRM Complaints by Category"] = {
	method: "crm_plus.crm_complaints.dashboard_chart_source.crm_complaints_by_category.crm_complaints_by_category.get",
	filters: [],
};
