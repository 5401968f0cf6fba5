// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt
{% include "crm_plus/public/js/form_actions.js" %}

frappe.ui.form.on("CRM Lead", {
	onload(frm) {
		crm_plus_owner_fields(frm);
	},

	refresh(frm) {
		if (frm.is_new()) {
			return;
		}
		if (frm.doc.in_pool) {
			// In the division's pool (公海): a rep of the division claims it to follow it up.
			frm.dashboard.set_headline_alert(__("This lead is in the pool: claim it to follow it up"), "orange");
			crm_plus_main_action(frm, __("Claim"), () =>
				frappe
					.call({ method: "crm_plus.crm_sales.pool.claim", args: { name: frm.doc.name, doctype: frm.doctype } })
					.then(() => frm.reload_doc())
			);
			return;
		}
		if (frm.doc.status === "Converted") {
			frm.dashboard.set_headline_alert(__("Converted into a customer"), "green");
			return;
		}
		if (frm.doc.status !== "Unqualified") {
			crm_plus_main_action(frm, __("Convert"), () => crm_plus_convert_lead(frm));
		}
	},
});

function crm_plus_convert_lead(frm) {
	frappe.prompt(
		[
			{ fieldname: "create_opportunity", fieldtype: "Check", label: __("Create an Opportunity"), default: 1 },
			{
				fieldname: "opportunity_title",
				fieldtype: "Data",
				label: __("Title"),
				default: frm.doc.company_name || frm.doc.lead_name,
				depends_on: "create_opportunity",
			},
			{ fieldname: "expected_amount", fieldtype: "Currency", label: __("Expected Amount"), depends_on: "create_opportunity" },
			{
				fieldname: "stage",
				fieldtype: "Link",
				options: "CRM Opportunity Stage",
				label: __("Stage"),
				description: __("The first open stage when left empty"),
				depends_on: "create_opportunity",
			},
		],
		(values) =>
			frm.call("convert", values).then((r) => {
				frm.reload_doc();
				if (r.message && r.message.opportunity) {
					frappe.set_route("Form", "CRM Opportunity", r.message.opportunity);
				} else if (r.message) {
					frappe.set_route("Form", "CRM Customer", r.message.customer);
				}
			}),
		__("Convert Lead"),
		__("Convert")
	);
}
