// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt
{% include "crm_plus/public/js/form_actions.js" %}

// Seconds in the date pickers (a visit opened clean, its planned times shown as stored).
{% include "crm_plus/public/js/datetime_seconds.js" %}

frappe.ui.form.on("CRM Visit", {
	setup(frm) {
		frm.set_query("customer", () => ({ filters: { disabled: 0 } }));
		frm.set_query("contact", () => ({
			query: "frappe.contacts.doctype.contact.contact.contact_query",
			filters: { link_doctype: "CRM Customer", link_name: frm.doc.customer },
		}));
	},

	refresh(frm) {
		if (frm.is_new()) {
			return;
		}
		if (["Planned", "Missed"].includes(frm.doc.status)) {
			crm_plus_main_action(frm, __("Check In"), () => crm_plus_check_in(frm));
		}
		if (frm.doc.status === "Checked In") {
			crm_plus_main_action(frm, __("Check Out"), () => crm_plus_check_out(frm));
		}
		if (frm.doc.check_in_distance) {
			frm.dashboard.add_comment(
				__("Checked in {0} m from the customer", [Math.round(frm.doc.check_in_distance)]),
				frm.doc.check_in_reason ? "orange" : "green",
				true
			);
		}
	},
});

// The browser's position: resolves to {latitude, longitude, accuracy}, or {} when unavailable.
function crm_plus_position() {
	return new Promise((resolve) => {
		if (!navigator.geolocation) {
			resolve({});
			return;
		}
		navigator.geolocation.getCurrentPosition(
			(pos) =>
				resolve({
					latitude: pos.coords.latitude,
					longitude: pos.coords.longitude,
					accuracy: pos.coords.accuracy,
				}),
			() => resolve({}),
			{ enableHighAccuracy: true, timeout: 15000, maximumAge: 0 }
		);
	});
}

async function crm_plus_check_in(frm, reason) {
	const position = await crm_plus_position();
	frm.call({
		doc: frm.doc,
		method: "check_in",
		args: { ...position, reason: reason || null },
		freeze: true,
		freeze_message: __("Checking in..."),
		callback() {
			frm.reload_doc();
		},
		error() {
			// Refused (too far, no position): ask for a reason and try again.
			frappe.prompt(
				[{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 }],
				(values) => crm_plus_check_in(frm, values.reason),
				__("Check in away from the customer"),
				__("Check In")
			);
		},
	});
}

async function crm_plus_check_out(frm) {
	const position = await crm_plus_position();
	frappe.prompt(
		[{ fieldname: "outcome", fieldtype: "Text", label: __("Outcome"), default: frm.doc.outcome }],
		(values) =>
			frm.call("check_out", { ...position, outcome: values.outcome }).then(() => frm.reload_doc()),
		__("Check Out"),
		__("Check Out")
	);
}
