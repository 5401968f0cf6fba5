// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt
{% include "crm_plus/public/js/form_actions.js" %}

frappe.ui.form.on("CRM Customer", {
	onload(frm) {
		crm_plus_owner_fields(frm);
	},

	refresh(frm) {
		if (frm.is_new()) {
			return;
		}
		frappe.contacts.render_address_and_contact(frm);
		if (frm.doc.disabled) {
			frm.dashboard.set_headline_alert(
				__("Deactivated on {0}: a historical customer", [frappe.datetime.str_to_user(frm.doc.deactivated_on)]),
				"orange"
			);
			frm.add_custom_button(__("Restore"), () => crm_plus_ask_reason(frm, "restore", __("Restore Customer"), false));
		} else {
			frm.add_custom_button(__("Deactivate"), () => crm_plus_ask_reason(frm, "deactivate", __("Deactivate Customer"), true), __("Actions"));
		}
		frm.add_custom_button(__("Set Grade by Hand"), () => crm_plus_override_grade(frm), __("Actions"));
		frm.add_custom_button(__("Set Location from This Device"), () => crm_plus_set_location(frm), __("Actions"));
		frm.add_custom_button(__("Visit"), () => frappe.new_doc("CRM Visit", { customer: frm.doc.name }), __("Create"));
		frm.add_custom_button(__("Transaction"), () => frappe.new_doc("CRM Customer Transaction", { customer: frm.doc.name }), __("Create"));
		frm.add_custom_button(__("Major Event"), () => frappe.new_doc("CRM Customer Event", { customer: frm.doc.name }), __("Create"));
		if (frm.doc.grade_locked) {
			frm.set_intro(__("Grade set by hand: {0}", [frappe.utils.escape_html(frm.doc.grade_override_reason || "")]), "blue");
		}
	},

	customer_kind(frm) {
		frm.refresh_fields();
	},
});

function crm_plus_ask_reason(frm, method, title, reqd) {
	frappe.prompt(
		[{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: reqd ? 1 : 0 }],
		(values) => frm.call(method, { reason: values.reason }).then(() => frm.reload_doc()),
		title,
		__("Confirm")
	);
}

function crm_plus_override_grade(frm) {
	frappe.prompt(
		[
			{
				fieldname: "grade",
				fieldtype: "Link",
				options: "CRM Customer Grade",
				label: __("Grade"),
				description: __("Leave empty to give the grade back to the scores"),
			},
			{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 },
		],
		(values) =>
			frappe
				.call("crm_plus.crm_customers.grading.override_grade", {
					customer: frm.doc.name,
					grade: values.grade,
					reason: values.reason,
				})
				.then(() => frm.reload_doc()),
		__("Set Grade by Hand"),
		__("Save")
	);
}

// Stores where the customer is, from the phone or computer the rep is using at the customer's site.
function crm_plus_set_location(frm) {
	if (!navigator.geolocation) {
		frappe.msgprint(__("This device cannot tell its position"));
		return;
	}
	navigator.geolocation.getCurrentPosition(
		(pos) => {
			frm.set_value("latitude", pos.coords.latitude);
			frm.set_value("longitude", pos.coords.longitude);
			frm.save();
		},
		() => frappe.msgprint(__("Your position could not be read")),
		{ enableHighAccuracy: true, timeout: 15000 }
	);
}

// The customer pool (公海): a customer back in its division's pool is claimed by a rep of the division.
frappe.ui.form.on("CRM Customer", {
	refresh(frm) {
		if (frm.is_new() || !frm.doc.in_pool) {
			return;
		}
		frm.dashboard.set_headline_alert(__("This customer is in the pool: claim it to serve it"), "orange");
		crm_plus_main_action(frm, __("Claim"), () =>
			frappe
				.call({ method: "crm_plus.crm_sales.pool.claim", args: { name: frm.doc.name, doctype: frm.doctype } })
				.then(() => frm.reload_doc())
		);
	},
});
