// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

frappe.ui.form.on("CRM Activity", {
	setup(frm) {
		frm.set_query("opportunity", () => ({ filters: { status: "Open" } }));
	},
	onload_post_render(frm) {
		if (frm.is_new()) crm_plus_keep_started_from(frm);
	},
	// A new form validates its Link values once drawn and sets them again: clear them when they arrive.
	customer(frm) {
		if (frm.is_new()) crm_plus_keep_started_from(frm);
	},
	lead(frm) {
		if (frm.is_new()) crm_plus_keep_started_from(frm);
	},
});

// "+" in an opportunity's (a customer's) Connections copies every Link field the two share: the
// opportunity's customer and lead too. Keep the record the activity was started from; the server drops
// the same restated links (CRM Activity.drop_restated_targets).
function crm_plus_keep_started_from(frm) {
	// The most specific target first, with the links of its own that the desk copies onto a new
	// activity (domain.activities.SPECIFIC_FIRST and restated_targets).
	const own_links = [
		["opportunity", "CRM Opportunity", ["customer", "lead"]],
		["customer", "CRM Customer", ["lead"]],
	];
	for (const [field, doctype, links] of own_links) {
		if (!frm.doc[field]) continue;
		const record = (locals[doctype] || {})[frm.doc[field]];
		if (!record) return;
		for (const link of links) {
			if (frm.doc[link] && frm.doc[link] === record[link]) frm.set_value(link, null);
		}
		return;
	}
}
