// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

frappe.ui.form.on("CRM Plus Settings", {
	refresh(frm) {
		frm.add_custom_button(__("Regrade All Customers Now"), () =>
			frappe.call("crm_plus.crm_customers.grading.enqueue_regrade")
		);
	},
});
