// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt
{% include "crm_plus/public/js/form_actions.js" %}

frappe.ui.form.on("CRM Opportunity", {
	setup(frm) {
		// The user's own teams when there are several to choose from (crm_plus_default_team).
		frm.set_query("sales_team", () =>
			(frm.crm_plus_teams || []).length > 1
				? { filters: { name: ["in", frm.crm_plus_teams] } }
				: { filters: { is_group: 0 } }
		);
		frm.set_query("account_manager", () => ({ query: "frappe.core.doctype.user.user.user_query" }));
		frm.set_query("lead", () => ({ filters: { status: ["!=", "Unqualified"] } }));
	},

	onload(frm) {
		crm_plus_default_team(frm);
	},
});
