"""Small helpers of the Frappe shell shared by jobs and controllers."""

from dataclasses import asdict

import frappe
from frappe.utils import now_datetime

from crm_plus.stored_text import clean_text


def bulk_insert_logs(doctype: str, fields: list[str], rows: list[tuple]) -> None:
	"""Insert rows into an autoincrement log DocType in one statement, with the standard columns set.

	Names come from the DocType's sequence, as Frappe's own inserts take them. Text is cleaned as a
	document's save cleans it (`stored_text`): these rows are written past the save.
	"""
	if not rows:
		return
	rows = [tuple(clean_text(v) if isinstance(v, str) else v for v in row) for row in rows]
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


# Fields the server owns sit at this permlevel: every role that reads the DocType reads them, no CRM
# role writes them, so Frappe resets what a client sends for them (Document.validate_higher_perm_levels)
# on every surface: the form, REST, frappe.client.set_value, Data Import.
SERVER_PERMLEVEL = 2


def server_fields(meta) -> list[str]:
	return [df.fieldname for df in meta.fields if df.permlevel == SERVER_PERMLEVEL]


def allow_server_fields(doc):
	"""Let the next save of `doc` write its server-owned fields: for the app's own actions (check in,
	deactivate, forward, approve), which have checked the user's permission themselves."""
	doc.flags.ignore_permlevel_for_fields = server_fields(doc.meta)
	return doc


def bulk_set(doctype: str, fieldname: str, values: list[tuple[str, object]]) -> None:
	"""Set one column of many records, in one UPDATE per thousand joined to the values as a derived
	table (names escaped, numbers as literals, text cleaned as a save cleans it); `modified` is left alone:
	for measures the jobs keep."""
	values = [(name, clean_text(v) if isinstance(v, str) else v) for name, v in values]
	for start in range(0, len(values), 1000):
		chunk = values[start : start + 1000]
		rows = " union all ".join(
			f"select {frappe.db.escape(name)} as name, {_literal(value)} as value"
			if i == 0
			else f"select {frappe.db.escape(name)}, {_literal(value)}"
			for i, (name, value) in enumerate(chunk)
		)
		frappe.db.sql(
			f"update `tab{doctype}` t join ({rows}) v on v.name = t.name set t.`{fieldname}` = v.value"
		)


def _literal(value) -> str:
	if value is None:
		return "null"
	if isinstance(value, int | float):
		return repr(float(value))
	return frappe.db.escape(str(value))


def each_isolated(items, action, title: str) -> int:
	"""Run `action(item)` for every item, each in its own savepoint: one that fails is rolled back and
	logged (with `title`) and the others go on. Returns how many actions returned a true value."""
	done = 0
	for item in items:
		frappe.db.savepoint("crm_plus_job_item")
		try:
			if action(item):
				done += 1
		except Exception:
			frappe.db.rollback(save_point="crm_plus_job_item")
			frappe.log_error(title=title)
	return done


def log_noted_change(doc, flag: str, log_doctype: str, link_field: str) -> None:
	"""After a save: the change its validation noted in `doc.flags[flag]` (a dataclass of crm_plus.domain
	whose fields are the log's: from, to, when, days in the previous one) becomes a row of `log_doctype`
	naming `doc` in `link_field`, made by the session user."""
	change = doc.flags.pop(flag, None)
	if not change:
		return
	frappe.get_doc(
		{
			"doctype": log_doctype,
			link_field: doc.name,
			**asdict(change),
			"changed_by": frappe.session.user,
		}
	).insert(ignore_permissions=True)
