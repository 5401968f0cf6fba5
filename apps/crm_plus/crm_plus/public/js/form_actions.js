// Shared by the app's form scripts, which include this file (no include tags and no backslashes here:
// form scripts include files through a regular-expression substitution).

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

// The owner and team of a customer, lead or opportunity (their forms' onload): the owner any user, the
// team one of the user's own when there are several to choose from, else any team that is not a group;
// a new record of one's own gets one's team (crm_plus_default_team).
function crm_plus_owner_fields(frm) {
	frm.set_query("sales_team", () =>
		(frm.crm_plus_teams || []).length > 1
			? { filters: { name: ["in", frm.crm_plus_teams] } }
			: { filters: { is_group: 0 } }
	);
	frm.set_query("account_manager", () => ({ query: "frappe.core.doctype.user.user.user_query" }));
	crm_plus_default_team(frm);
}

// The form's main action is its primary button, visible on a phone too (a custom button without a
// group is moved into the "…" menu there). Once the form has unsaved changes Frappe's Save takes the
// place again; after saving, the action is back.
function crm_plus_main_action(frm, label, action) {
	frm.page.set_primary_action(label, action);
}
