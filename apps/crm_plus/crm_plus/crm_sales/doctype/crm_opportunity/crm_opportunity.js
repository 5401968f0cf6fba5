// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt
{% include "crm_plus/public/js/form_actions.js" %}

frappe.ui.form.on("CRM Opportunity", {
	setup(frm) {
		frm.set_query("lead", () => ({ filters: { status: ["!=", "Unqualified"] } }));
	},

	onload(frm) {
		crm_plus_owner_fields(frm);
	},
});
