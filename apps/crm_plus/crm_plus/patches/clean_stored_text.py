"""Text stored before the server-side guard (issue 21) is cleaned as the guard cleans it now
(`crm_plus.stored_text`): a JSON-shaped, entity-encoded or attribute-breaking payload written into a
record of the app (child rows included) or into a user's name stays no longer; a web address with
another scheme than http(s), mailto or tel is cleared. Only values that carry markup are rewritten,
`modified` is left alone."""

import frappe

from crm_plus.stored_text import clean_field, guarded_fields, refused_address

APP = "crm_plus"
# Frappe DocTypes whose text the app's users write and every view of a user shows.
FRAMEWORK = {"User": ("first_name", "middle_name", "last_name", "full_name", "bio", "location", "interest")}


def execute():
	modules = frappe.get_module_list(APP)
	doctypes = frappe.get_all("DocType", {"module": ("in", modules), "issingle": 0}, pluck="name")
	for doctype in sorted(doctypes):
		clean_doctype(doctype)
	for doctype, fieldnames in FRAMEWORK.items():
		clean_doctype(doctype, fieldnames)


def clean_doctype(doctype: str, only: tuple[str, ...] | None = None) -> int:
	"""Clean the stored text of one DocType; returns the number of rows rewritten."""
	meta = frappe.get_meta(doctype)
	fields = [
		df
		for df in guarded_fields(meta)
		if (only is None or df.fieldname in only) and frappe.db.has_column(doctype, df.fieldname)
	]
	if not fields:
		return 0
	# Rows with a character a payload needs: a bracket, an ampersand, a quote or a colon (addresses).
	condition = " or ".join(f"`{df.fieldname}` regexp %(marks)s" for df in fields)
	rows = frappe.db.sql(
		f"select name, {', '.join(f'`{df.fieldname}`' for df in fields)} from `tab{doctype}` where {condition}",
		{"marks": "[<>&\"'`:]"},
		as_dict=True,
	)
	rewritten = 0
	for row in rows:
		changes = {}
		for df in fields:
			value = row[df.fieldname]
			if not value or not isinstance(value, str):
				continue
			cleaned = "" if refused_address(df, value) else clean_field(df, value)
			if cleaned != value:
				changes[df.fieldname] = cleaned
		if changes:
			frappe.db.set_value(doctype, row.name, changes, update_modified=False)
			rewritten += 1
	return rewritten
