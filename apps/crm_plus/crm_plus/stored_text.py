"""The server-side guard of stored text (rules in `crm_plus.domain.markup`): every text a user or a guest
writes into the app's records, and into the Frappe records the app's users write (hooks.py lists both), is
cleaned before it is stored, whatever its shape, and web address fields take http(s), mailto and tel
only. The app's own writes past a document's save (bulk inserts, `frappe.db.set_value` of text) clean
their text with `clean_text`."""

import frappe
from frappe import _
from frappe.utils.html_utils import sanitize_html

from crm_plus.domain import markup


def _sanitize(text: str) -> str:
	# always_sanitize: Frappe's sanitizer otherwise returns a value that parses as JSON untouched.
	return sanitize_html(text, always_sanitize=True)


def clean_text(value, rich: bool = False):
	"""`value` as it may be stored in a text field (unchanged when it carries no markup); `rich`: the
	field holds HTML (Text Editor)."""
	return markup.clean(value, _sanitize, rich)


def guard(doc, method=None):
	"""validate (and before_update_after_submit) of the guarded DocTypes: the document's text fields and
	those of its child rows cleaned; a web address with another scheme than http(s), mailto or tel
	refused."""
	for d in (doc, *doc.get_all_children()):
		_guard_fields(d)


def guarded_fields(meta) -> list:
	"""The fields of a DocType the guard cleans."""
	return [
		df for df in meta.fields if markup.is_guarded_field(df.fieldtype, df.options, df.ignore_xss_filter)
	]


def refused_address(df, value) -> bool:
	"""A web address field holding another scheme than http(s), mailto or tel."""
	return markup.is_url_field(df.fieldtype, df.fieldname, df.options) and not markup.allowed_url(value)


def refused_file_address(df, value) -> bool:
	"""An Attach / Attach Image field holding anything but a plain file address."""
	return markup.is_attach_field(df.fieldtype) and not markup.allowed_file_address(value)


def clean_field(df, value):
	"""A guarded field's value as it may be stored (the address rules aside; a file address that is
	not plain is cleared)."""
	if markup.is_attach_field(df.fieldtype):
		return value if markup.allowed_file_address(value) else ""
	if markup.is_recipient_field(df.fieldtype, df.options):
		return markup.clean_recipients(value)
	if markup.is_email_field(df.fieldtype, df.options):
		return markup.clean_email(value)
	return clean_text(value, markup.is_rich_field(df.fieldtype))


def _guard_fields(d) -> None:
	for df in guarded_fields(d.meta):
		value = d.get(df.fieldname)
		if not value or not isinstance(value, str):
			continue
		if refused_address(df, value):
			frappe.throw(
				_(
					"{0} must be a web address starting with http:// or https://, or a mailto: or tel: link"
				).format(_(df.label or df.fieldname)),
				title=_("Address not accepted"),
			)
		if refused_file_address(df, value):
			frappe.throw(
				_(
					"{0} must be the address of an uploaded file or a web address starting with http:// or"
					" https://, without quotes, angle brackets, backslashes or line breaks"
				).format(_(df.label or df.fieldname)),
				title=_("Address not accepted"),
			)
		if df.fieldtype == "Text Editor" and "data:" in value:
			# Pasted images become files first, as Frappe does before its own sanitizer (which would drop
			# their data: addresses).
			from frappe.core.doctype.file.utils import extract_images_from_doc

			extract_images_from_doc(d, df.fieldname)
			value = d.get(df.fieldname)
		cleaned = clean_field(df, value)
		if cleaned != value:
			d.set(df.fieldname, cleaned)


# The fields of the names the desk puts into an attribute unescaped (a tag into the list view's
# `title="..."`, a Kanban board's name into the sidebar's `href="..."`).
NAME_FIELDS = {"Tag": ("name",), "Kanban Board": ("name", "kanban_board_name")}


def refuse_unsafe_name(doc, method=None, *args, **kwargs):
	"""before_insert, validate and before_rename of Tag and Kanban Board: a name holding an angle
	bracket, a quote, a backtick or a control character (also as a character reference) is refused.
	`frappe.desk.doctype.tag.tag.add_tag` inserts the Tag before it writes `_user_tags`, so a refused
	tag reaches no record."""
	names = [doc.get(field) for field in NAME_FIELDS.get(doc.doctype, ("name",))]
	if method == "before_rename" and len(args) >= 2:
		names.append(args[1])
	for name in names:
		if markup.unsafe_name(name):
			frappe.throw(
				_("A {0} name cannot contain quotes, angle brackets, backticks or control characters").format(
					_(doc.doctype)
				),
				title=_("Name not accepted"),
			)
