// The workspace chart's source: see crm_sales_by_rep.py.
frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["CRM Sales by Rep"] = {
	method: "crm_plus.crm_sales.dashboard_chart_source.crm_sales_by_rep.crm_sales_by_rep.get",
	filters: [],
};
