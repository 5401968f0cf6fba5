// Copyright (c) 2026, CRM Plus and contributors
// For license information, please see license.txt

frappe.ui.form.on("CRM Complaint", {
	setup(frm) {
		frm.set_query("category", () => ({ filters: { is_group: 0 } }));
		frm.set_query("transaction", () => ({ filters: { customer: frm.doc.customer } }));
		// The email composer (New Email, Reply) writes to the customer's address.
		frm.email_field = "raised_by";
	},
	get_email_recipients(frm, fieldname) {
		return fieldname === "recipients" && frm.doc.raised_by ? [frm.doc.raised_by] : [];
	},
	refresh(frm) {
		crm_plus_use_complaint_composer(frm);
		// Resolved and Closed, as the server's rule says (domain.sla.DONE_STATUSES, sent with the form).
		const done = (frm.doc.__onload || {}).done_statuses || [];
		const colors = { "On Track": "green", "At Risk": "orange", Breached: "red", Met: "blue", Paused: "gray" };
		if (frm.doc.sla_status) {
			let text = __("SLA: {0}", [__(frm.doc.sla_status)]);
			if (frm.doc.sla_status === "Breached") {
				text += " " + __("by {0} working minutes", [Math.round(frm.doc.breach_minutes || 0)]);
			}
			if (frm.doc.resolution_by && !done.includes(frm.doc.status)) {
				text += " · " + __("resolve by {0}", [frappe.datetime.str_to_user(frm.doc.resolution_by)]);
			}
			if (frm.doc.response_sla_status && frm.doc.response_sla_status !== "Met") {
				text += " · " + __("First response: {0}", [__(frm.doc.response_sla_status)]);
				if (!frm.doc.first_response_at && frm.doc.response_by) {
					text += " " + __("(respond by {0})", [frappe.datetime.str_to_user(frm.doc.response_by)]);
				}
			}
			const worst = ["Breached", "At Risk"].find((s) => [frm.doc.sla_status, frm.doc.response_sla_status].includes(s));
			// The desk adds a headline to those shown; it clears them when it draws the form, but two draws
			// at once (a save and a reload) clear first and both add theirs: the SLA line was shown twice.
			frm.dashboard.clear_headline();
			frm.dashboard.set_headline_alert(text, colors[worst || frm.doc.sla_status] || "gray");
		}
		if (!frm.is_new() && frm.doc.status === "New") {
			// Acknowledging is the first response (the response clock stops).
			frm.add_custom_button(__("Acknowledge"), () => {
				frm.set_value("status", "Acknowledged");
				frm.save();
			});
		}
		if (!frm.is_new() && !done.includes(frm.doc.status)) {
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
		if (!frm.is_new() && frm.doc.category) {
			frm.add_custom_button(__("Suggest Solutions"), () => crm_plus_suggest_solutions(frm));
		}
	},
});

// The knowledge base: the published solutions of the complaint's category. Using one records it on
// the complaint, puts its text into an empty resolution and opens the email composer with it as the
// reply. Every text from the server is escaped before it goes into HTML.
function crm_plus_suggest_solutions(frm) {
	frappe
		.call("crm_plus.crm_complaints.doctype.crm_solution.crm_solution.suggest", { complaint: frm.doc.name })
		.then(({ message }) => {
			const solutions = message || [];
			if (!solutions.length) {
				frappe.msgprint(__("No published solution for this category yet."));
				return;
			}
			const esc = frappe.utils.escape_html;
			const dialog = new frappe.ui.Dialog({ title: __("Suggested Solutions"), fields: [{ fieldtype: "HTML", fieldname: "list" }] });
			const rows = solutions.map(
				(s, i) => `<div class="crm-solution" style="padding: 8px 0; border-bottom: 1px solid var(--border-color);">
					<b>${esc(s.title)}</b>${s.product ? " · " + esc(s.product) : ""}
					<div class="text-muted small">${esc(s.problem || "")}</div>
					<div class="text-muted small">${esc(__("Used {0} times", [s.used_count || 0]))}${
						s.average_rating ? " · " + esc(__("average rating {0}", [s.average_rating])) : ""
					}</div>
					<button class="btn btn-xs btn-primary" data-index="${i}">${esc(__("Use"))}</button>
				</div>`
			);
			dialog.fields_dict.list.$wrapper.html(rows.join(""));
			dialog.fields_dict.list.$wrapper.on("click", "button[data-index]", (event) => {
				const chosen = solutions[Number(event.currentTarget.dataset.index)];
				frappe
					.call("crm_plus.crm_complaints.doctype.crm_solution.crm_solution.use", { complaint: frm.doc.name, solution: chosen.name })
					.then(({ message: used }) => frm.reload_doc().then(() => {
						dialog.hide();
						if (!(frm.doc.resolution || "").trim()) frm.set_value("resolution", used.text);
						return crm_plus_reply(frm, used.html);
					}));
			});
			dialog.show();
		});
}

// The reply of "Use": Frappe's email composer, told by the server what it needs (crm_complaints/reply.py)
// instead of reading Email Account, which the service roles may not read ("Not permitted" left the reply
// empty). Without an outgoing account it does not send (a 501 would lose the text): the reply is kept as a
// comment on the complaint and the user is told so.
// The form's own "New Email" and the timeline's Reply / Reply All open the same composer.
function crm_plus_use_complaint_composer(frm) {
	frm.email_doc = (message) => crm_plus_reply(frm, message);
	const timeline = frm.timeline;
	if (!timeline || timeline.crm_plus_composer) return;
	timeline.crm_plus_composer = true;
	timeline.compose_mail = (communication_doc = null, reply_all = false) => {
		if (!communication_doc) return crm_plus_reply(frm);
		return crm_plus_reply(frm, undefined, {
			is_a_reply: true,
			title: __("Reply"),
			last_email: communication_doc,
			subject: communication_doc.subject,
			reply_all,
			...(communication_doc.sender !== frappe.session.user_email ? { recipients: communication_doc.sender } : {}),
		});
	};
}

function crm_plus_reply(frm, message, options = {}) {
	return frappe.xcall("crm_plus.crm_complaints.reply.reply_context", { complaint: frm.doc.name }).then((context) => {
		class ComplaintReply extends frappe.views.CommunicationComposer {
			async get_signature() {
				let signature = frappe.boot.user.email_signature || context.signature || "";
				if (!signature) return "";
				if (!frappe.utils.is_html(signature)) signature = signature.replace(/\n/g, "<br>");
				return "<br>" + signature;
			}
			send_email(btn, form_values, ...rest) {
				if (context.can_send) return super.send_email(btn, form_values, ...rest);
				this.dialog.hide();
				return frappe
					.xcall("crm_plus.crm_complaints.reply.keep_reply", {
						complaint: frm.doc.name,
						content: form_values.content || "",
						subject: form_values.subject || "",
						recipients: form_values.recipients || "",
					})
					.then(() => {
						this.clear_cache();
						frm.reload_doc();
						frappe.msgprint({
							title: __("Reply kept, not sent"),
							indicator: "orange",
							message: __(
								"This site has no outgoing email account, so the reply was not sent. Its text is kept as a comment on the complaint."
							),
						});
					});
			}
		}
		const composer = new ComplaintReply({
			doc: frm.doc,
			frm,
			// The composer shows its subject as the dialog's title (HTML): the complaint's subject goes in
			// escaped (the subject field shows it as text either way).
			subject: frappe.utils.escape_html(__("Re: {0}", [frm.doc.subject])),
			recipients: context.recipients,
			message,
			...options,
		});
		if (!context.can_send) {
			// A notice above the fields (Dialog.set_message would hide them).
			$('<div class="alert alert-warning small">')
				.text(__("No outgoing email account is set up: the reply will be kept as a comment on the complaint, not sent."))
				.prependTo(composer.dialog.body);
			composer.dialog.get_primary_btn().text(__("Keep as Comment"));
		}
		return composer;
	});
}
