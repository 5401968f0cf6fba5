// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

frappe.listview_settings["CRM Customer"] = {
	add_fields: ["grade", "status", "disabled"],
	get_indicator(doc) {
		if (doc.disabled) {
			return [__("Deactivated"), "gray", "disabled,=,1"];
		}
		const colors = { Lost: "red", "At Risk": "orange", Loyal: "green", Repeat: "blue", "First Purchase": "cyan" };
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
