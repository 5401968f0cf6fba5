"""Default records of the app's modules (default_records.json), added where missing, never overwritten.

Their names are English, like every source string, and translated by the catalogue: grades, industries,
sources and types are translated DocTypes, so links show them in the user's language.
"""

import json
from pathlib import Path

import frappe

DEFAULT_RECORDS = Path(__file__).parent / "crm_customers" / "default_records.json"


def shipped_records(doctype: str, path: Path = DEFAULT_RECORDS) -> list[dict]:
	"""The rows of one DocType in a default_records.json."""
	return json.loads(Path(path).read_text()).get(doctype, [])


def ensure_default_records(path: Path = DEFAULT_RECORDS):
	records = json.loads(Path(path).read_text())
	for doctype, rows in records.items():
		name_field = frappe.get_meta(doctype).autoname.removeprefix("field:")
		for row in rows:
			if not frappe.db.exists(doctype, row[name_field]):
				frappe.get_doc({"doctype": doctype, **row}).insert(ignore_permissions=True)


def ensure_complaint_records():
	ensure_default_records(Path(__file__).parent / "crm_complaints" / "default_records.json")


def ensure_survey_records():
	ensure_default_records(Path(__file__).parent / "crm_surveys" / "default_records.json")


def ensure_sales_records():
	ensure_default_records(Path(__file__).parent / "crm_sales" / "default_records.json")
