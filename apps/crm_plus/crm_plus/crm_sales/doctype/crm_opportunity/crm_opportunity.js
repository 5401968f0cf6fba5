// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

frappe.ui.form.on("CRM Opportunity", {
	setup(frm) {
		frm.set_query("sales_team", () => ({ filters: { is_group: 0 } }));
		frm.set_query("account_manager", () => ({ query: "frappe.core.doctype.user.user.user_query" }));
		frm.set_query("lead", () => ({ filters: { status: ["!=", "Unqualified"] } }));
	},
});
