// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

// Agents enter the answers a customer gives on the phone or face to face.
frappe.ui.form.on("CRM Survey Invitation", {
	refresh(frm) {
		if (frm.doc.status === "Answered" || frm.is_new()) {
			return;
		}
		frm.add_custom_button(__("Record Answers"), async () => {
			const questions = (await frappe.call("crm_plus.crm_surveys.api.get_questions", { invitation: frm.doc.name })).message;
			const levels = ["5", "4", "3", "2", "1"];
			const fields = questions.map((q) => {
				const field = { fieldname: q.id, label: q.question, reqd: q.required ? 1 : 0 };
				if (q.type === "Satisfaction") return { ...field, fieldtype: "Select", options: ["", ...levels].join("\n") };
				if (q.type === "NPS") return { ...field, fieldtype: "Select", options: ["", ...Array.from({ length: 11 }, (_, i) => String(i))].join("\n") };
				if (q.type === "Rating") return { ...field, fieldtype: "Int" };
				if (q.type === "Single Choice") return { ...field, fieldtype: "Select", options: "\n" + (q.options || "") };
				return { ...field, fieldtype: "Small Text" };
			});
			const dialog = new frappe.ui.Dialog({
				title: __("Record Answers"),
				fields,
				primary_action_label: __("Save"),
				primary_action(values) {
					frappe
						.call("crm_plus.crm_surveys.api.record_answers", { invitation: frm.doc.name, answers: values })
						.then(() => {
							dialog.hide();
							frm.reload_doc();
						});
				},
			});
			dialog.show();
		});
	},
});
