// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

// The "Opportunities by Stage" board shows the title and the customer's name as text.
{% include "crm_plus/public/js/safe_text.js" %}

frappe.listview_settings["CRM Opportunity"] = {
	add_fields: ["status", "stage", "party_name"], // party_name: what the Kanban card shows
	get_indicator(doc) {
		if (doc.status === "Won") {
			return [__("Won"), "green", "status,=,Won"];
		}
		if (doc.status === "Lost") {
			return [__("Lost"), "red", "status,=,Lost"];
		}
		return [__(doc.stage || doc.status), "blue", "stage,=," + doc.stage];
	},
};
