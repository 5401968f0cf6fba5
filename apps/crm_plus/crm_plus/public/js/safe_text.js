// Stored text shown as text (CRM Plus), where Frappe's desk takes a value as HTML: a text column of
// the app's query reports (Frappe's Data formatter returns the value as it is) and the cards of the
// app's Kanban boards (the title goes through frappe.utils.html2text, which decodes entities, and then
// into the card as HTML; a text field under it is formatted like a report's Data column).
// Included by the app's report scripts and the list script of CRM Opportunity (the board's DocType);
// idempotent. No backslashes here: scripts include this file through a regular-expression substitution.
(function () {
	frappe.provide("crm_plus");
	if (crm_plus.safe_text) {
		return;
	}
	const esc = (value) => frappe.utils.escape_html(value);
	const TEXT_TYPES = ["Data", "Small Text", "Text", "Long Text", "Read Only"];
	const is_text = (df) => Boolean(df) && TEXT_TYPES.includes(df.fieldtype);

	crm_plus.safe_text = {
		// A query report's formatter: a text column's value is escaped before Frappe formats it.
		report_formatter(value, row, column, data, default_formatter) {
			if (typeof value === "string" && is_text(column)) {
				value = esc(value);
			}
			return default_formatter(value, row, column, data);
		},
	};

	const View = frappe.views && frappe.views.KanbanView;
	if (!View || View.prototype.crm_plus_safe_text) {
		return;
	}
	const prepare_data = View.prototype.prepare_data;
	const escaped = new WeakSet();
	View.prototype.crm_plus_safe_text = true;
	View.prototype.prepare_data = function (r) {
		prepare_data.call(this, r);
		if (!String(this.doctype || "").startsWith("CRM ")) {
			return;
		}
		const title = this.card_meta && this.card_meta.title_field && this.card_meta.title_field.fieldname;
		const fields = ((this.board && this.board.fields) || []).filter(
			(f) => f !== title && is_text(frappe.meta.get_docfield(this.doctype, f))
		);
		for (const row of this.data || []) {
			if (escaped.has(row)) {
				continue;
			}
			escaped.add(row);
			// html2text decodes once before the card takes the title as HTML: escaped twice
			if (title && typeof row[title] === "string") {
				row[title] = esc(esc(row[title]));
			}
			for (const f of fields) {
				if (typeof row[f] === "string") {
					row[f] = esc(row[f]);
				}
			}
		}
	};
})();
