"""Link suggestions in the user's language (issue 22: "Small, Potential" under a customer's name in the
Chinese desk). Frappe v15 shows the values of a DocType's search fields under each suggestion as
stored; it translates them only for a `translated_doctype`, which would also make every search read the
whole table. Here, after the search, the parts of a suggestion's description that are values with a
translation of their own (a Select option of a search field, the name of a record of a translated
master such as a grade, stage or category) are translated; names, codes and other typed text stay as
they are."""

import frappe
from frappe import _


def translatable_values(doctype: str) -> set[str]:
	meta = frappe.get_meta(doctype)
	if meta.module not in frappe.get_module_list("crm_plus"):
		return set()
	values: set[str] = set()
	for fieldname in (meta.search_fields or "").split(","):
		df = meta.get_field(fieldname.strip())
		if not df:
			continue
		if df.fieldtype == "Select" and df.options:
			values |= {o for o in df.options.split("\n") if o}
		elif df.fieldtype == "Link" and frappe.get_meta(df.options).translated_doctype:
			values |= set(frappe.get_all(df.options, pluck="name"))
	return values


def translate_descriptions(doctype: str, results):
	"""Translate, in place, the option and master values in the descriptions of `search_link` results."""
	if not results or frappe.local.lang in (None, "en"):
		return results
	values = translatable_values(doctype)
	if not values:
		return results
	for item in results:
		if isinstance(item, dict) and item.get("description"):
			parts = str(item["description"]).split(", ")
			item["description"] = ", ".join(_(p) if p in values else p for p in parts)
	return results
