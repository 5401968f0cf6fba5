// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

// The field of an activity that points at each kind of record (domain.activities.TARGET_FIELDS).
const CRM_ACTIVITY_TARGETS = {
	"CRM Lead": "lead",
	"CRM Customer": "customer",
	"CRM Opportunity": "opportunity",
};

frappe.ui.form.on("CRM Activity", {
	setup(frm) {
		frm.set_query("opportunity", () => ({ filters: { status: "Open" } }));
	},
	onload(frm) {
		// "+" in a lead's, customer's or opportunity's Connections copies every Link field the two share
		// (an opportunity's customer and lead too): keep only the record the activity was started from.
		// The server drops the same restated links (CRM Activity.drop_restated_targets).
		if (!frm.is_new()) return;
		const [view, doctype, name] = frappe.get_prev_route() || [];
		const field = view === "Form" && CRM_ACTIVITY_TARGETS[doctype];
		if (!field || frm.doc[field] !== name) return;
		for (const other of Object.values(CRM_ACTIVITY_TARGETS)) {
			if (other !== field && frm.doc[other]) frm.set_value(other, null);
		}
	},
});
