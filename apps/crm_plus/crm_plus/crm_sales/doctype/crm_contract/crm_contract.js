// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

frappe.ui.form.on("CRM Contract", {
	setup(frm) {
		// Only the customer's opportunities can be closed by its contract.
		frm.set_query("opportunity", () => ({ filters: { customer: frm.doc.customer || "" } }));
	},
	customer(frm) {
		if (frm.doc.opportunity) {
			frm.set_value("opportunity", null);
		}
	},
});
