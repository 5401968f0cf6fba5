// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

frappe.ui.form.on("CRM Visit Plan", {
	setup(frm) {
		frm.set_query("customer", "items", () => ({ filters: { disabled: 0, account_manager: frm.doc.sales_rep } }));
	},
	refresh(frm) {
		if (frm.doc.docstatus === 0 && !frm.is_new() && ["Draft", "Rejected"].includes(frm.doc.approval_status)) {
			frm.add_custom_button(__("Request Approval"), () => frm.call("request_approval").then(() => frm.reload_doc()));
		}
		if (frm.doc.docstatus === 0 && frm.doc.approval_status === "Pending Approval" && frm.doc.sales_rep !== frappe.session.user) {
			frm.add_custom_button(__("Reject"), () =>
				frappe.prompt(
					[{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 }],
					(values) => frm.call("reject", { reason: values.reason }).then(() => frm.reload_doc()),
					__("Reject Visit Plan")
				)
			);
		}
	},
});
