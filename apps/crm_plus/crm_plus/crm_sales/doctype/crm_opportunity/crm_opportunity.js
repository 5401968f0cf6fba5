// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

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

// A new record of one's own goes to one's sales team: the only one is filled in, several are offered to
// choose from (the server fills the only team too, and refuses to guess among several:
// crm_plus.organisation.fill_sales_team).
function crm_plus_default_team(frm) {
	if (!frm.is_new() || frm.doc.sales_team || frm.doc.account_manager !== frappe.session.user) return;
	frappe.xcall("crm_plus.organisation.my_teams").then((teams) => {
		frm.crm_plus_teams = teams;
		if (teams.length === 1 && !frm.doc.sales_team) frm.set_value("sales_team", teams[0]);
	});
}
