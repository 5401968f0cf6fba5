// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

frappe.ui.form.on("CRM Complaint", {
	setup(frm) {
		frm.set_query("category", () => ({ filters: { is_group: 0 } }));
		frm.set_query("transaction", () => ({ filters: { customer: frm.doc.customer } }));
		// The email composer (New Email, Reply) writes to the customer's address.
		frm.email_field = "sender_email";
	},
	get_email_recipients(frm, fieldname) {
		return fieldname === "recipients" && frm.doc.sender_email ? [frm.doc.sender_email] : [];
	},
	refresh(frm) {
		const colors = { "On Track": "green", "At Risk": "orange", Breached: "red", Met: "blue", Paused: "gray" };
		if (frm.doc.sla_status) {
			let text = __("SLA: {0}", [__(frm.doc.sla_status)]);
			if (frm.doc.sla_status === "Breached") {
				text += " " + __("by {0} working minutes", [Math.round(frm.doc.breach_minutes || 0)]);
			}
			if (frm.doc.resolution_by && !["Resolved", "Closed"].includes(frm.doc.status)) {
				text += " · " + __("resolve by {0}", [frappe.datetime.str_to_user(frm.doc.resolution_by)]);
			}
			if (frm.doc.response_sla_status && frm.doc.response_sla_status !== "Met") {
				text += " · " + __("First response: {0}", [__(frm.doc.response_sla_status)]);
				if (!frm.doc.first_response_at && frm.doc.response_by) {
					text += " " + __("(respond by {0})", [frappe.datetime.str_to_user(frm.doc.response_by)]);
				}
			}
			const worst = ["Breached", "At Risk"].find((s) => [frm.doc.sla_status, frm.doc.response_sla_status].includes(s));
			frm.dashboard.set_headline_alert(text, colors[worst || frm.doc.sla_status] || "gray");
		}
		if (!frm.is_new() && frm.doc.status === "New") {
			// Acknowledging is the first response (the response clock stops).
			frm.add_custom_button(__("Acknowledge"), () => {
				frm.set_value("status", "Acknowledged");
				frm.save();
			});
		}
		if (!frm.is_new() && !["Resolved", "Closed"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Forward to Department"), () =>
				frappe.prompt(
					[
						{ fieldname: "department", fieldtype: "Data", label: __("Department"), reqd: 1 },
						{ fieldname: "user", fieldtype: "Link", options: "User", label: __("Forward To"), reqd: 1 },
						{ fieldname: "note", fieldtype: "Small Text", label: __("Note") },
					],
					(values) => frm.call("forward", values).then(() => frm.reload_doc()),
					__("Forward to Department")
				)
			);
		}
	},
});
