// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

frappe.ui.form.on("CRM Activity", {
	setup(frm) {
		frm.set_query("opportunity", () => ({ filters: { status: "Open" } }));
	},
});
