// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

frappe.ui.form.on("CRM Survey Campaign", {
	refresh(frm) {
		if (frm.is_new()) {
			return;
		}
		if (frm.doc.status !== "Closed") {
			frm.add_custom_button(__("Invite the Sample"), () =>
				frm.call("start").then((r) => {
					frappe.show_alert(__("{0} customers invited", [r.message || 0]));
					frm.reload_doc();
				})
			);
			frm.add_custom_button(__("Close Campaign"), () => frm.call("close").then(() => frm.reload_doc()));
		}
		if (frm.perm[0] && frm.perm[0].write) {
			frm.add_custom_button(__("Recount Progress"), () => frm.call("recount_progress").then(() => frm.reload_doc()));
		}
		frm.add_custom_button(__("Invitations"), () => frappe.set_route("List", "CRM Survey Invitation", { campaign: frm.doc.name }));
	},
});
