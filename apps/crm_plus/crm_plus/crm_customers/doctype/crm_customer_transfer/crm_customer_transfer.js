// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

frappe.ui.form.on("CRM Customer Transfer", {
	setup(frm) {
		frm.set_query("to_user", () => ({ query: "frappe.core.doctype.user.user.user_query" }));
		frm.set_query("to_sales_team", () => ({ filters: { is_group: 0 } }));
	},
	onload(frm) {
		const from_user = frappe.utils.get_url_arg("from_user");
		if (frm.is_new() && from_user && !frm.doc.from_user) {
			frm.set_value("from_user", from_user);
		}
	},
});
