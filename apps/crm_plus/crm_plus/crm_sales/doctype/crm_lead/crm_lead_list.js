// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

frappe.listview_settings["CRM Lead"] = {
	add_fields: ["status", "in_pool"],
	get_indicator(doc) {
		if (doc.in_pool) {
			return [__("In Pool"), "orange", "in_pool,=,1"];
		}
		const colors = { New: "blue", Contacted: "orange", Qualified: "cyan", Unqualified: "gray", Converted: "green" };
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
