"""Small helpers of the Frappe shell shared by jobs and controllers."""

import frappe
from frappe.utils import now_datetime


def bulk_insert_logs(doctype: str, fields: list[str], rows: list[tuple]) -> None:
	"""Insert rows into an autoincrement log DocType in one statement, with the standard columns set.

	Names come from the DocType's sequence, as Frappe's own inserts take them.
	"""
	if not rows:
		return
	from frappe.database.sequence import get_next_val

	user = frappe.session.user
	now = now_datetime()
	values = [(get_next_val(doctype), *row, user, user, now, now) for row in rows]
	frappe.db.bulk_insert(
		doctype, fields=["name", *fields, "owner", "modified_by", "creation", "modified"], values=values
	)
