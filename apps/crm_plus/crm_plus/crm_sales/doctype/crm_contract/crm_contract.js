// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt
{% include "crm_plus/public/js/form_actions.js" %}

frappe.ui.form.on("CRM Contract", {
	setup(frm) {
		// Only the customer's opportunities can be closed by its contract.
		frm.set_query("opportunity", () => ({ filters: { customer: frm.doc.customer || "" } }));
	},
	refresh(frm) {
		// A draft contract is signed on the spot: its signing date, then Signed (which wins its opportunity).
		if (!frm.is_new() && frm.doc.status === "Draft" && frm.perm[0] && frm.perm[0].write) {
			crm_plus_main_action(frm, __("Sign"), () =>
				frappe.prompt(
					[{ fieldname: "signed_date", fieldtype: "Date", label: __("Signed Date"), reqd: 1, default: frappe.datetime.get_today() }],
					(values) => {
						frm.set_value("signed_date", values.signed_date);
						frm.set_value("status", "Signed");
						frm.save();
					},
					__("Sign Contract"),
					__("Sign")
				)
			);
		}
	},
	customer(frm) {
		if (frm.doc.opportunity) {
			frm.set_value("opportunity", null);
		}
	},
});
