// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

frappe.listview_settings["CRM Contract"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		const colors = { Draft: "gray", Signed: "blue", Active: "green", Expired: "orange", Terminated: "red" };
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
