"""A query report's column, declared in one line: `column(fieldname, label, fieldtype, width, options)`
(options for a Link column) instead of the dict Frappe reads."""


def column(fieldname: str, label: str, fieldtype: str, width: int, options: str | None = None) -> dict:
	col = {"fieldname": fieldname, "label": label, "fieldtype": fieldtype, "width": width}
	if options:
		col["options"] = options
	return col
