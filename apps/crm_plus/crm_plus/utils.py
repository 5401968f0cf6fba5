"""Small helpers of the Frappe shell shared by jobs and controllers."""

import frappe
from frappe.utils import now_datetime


def bulk_insert_logs(doctype: str, fields: list[str], rows: list[tuple]) -> None:
	"""Insert rows into an autoincrement log DocType in one statement, with the standard columns set.

	Names come from the DocType's sequence, as Frappe's own inserts take them.
	"""
	if not rows:
		return
	user = frappe.session.user
	now = now_datetime()
	names = next_names(doctype, len(rows))
	values = [(name, *row, user, user, now, now) for name, row in zip(names, rows, strict=True)]
	frappe.db.bulk_insert(
		doctype, fields=["name", *fields, "owner", "modified_by", "creation", "modified"], values=values
	)


def next_names(doctype: str, count: int) -> list[int]:
	"""`count` names from an autoincrement DocType's sequence: on MariaDB in one query (NEXTVAL over
	the built-in seq_1_to_N table), elsewhere one call each."""
	from frappe.database.sequence import get_next_val

	if frappe.db.db_type != "mariadb":
		return [get_next_val(doctype) for _ in range(count)]
	sequence = frappe.scrub(doctype) + "_id_seq"
	names: list[int] = []
	while len(names) < count:
		batch = min(10_000, count - len(names))
		names += [r[0] for r in frappe.db.sql(f"select nextval(`{sequence}`) from seq_1_to_{batch:d}")]
	return names
