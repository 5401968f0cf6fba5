"""The shape of the filters a caller may send to a list, count or sidebar endpoint.

Frappe's query engine takes a filter given as a bare string as raw SQL (`["1=1 or 1=1"]`), so an
endpoint that hands caller filters on must first make sure each filter is data, not text: a dict
of field to value (or to [operator, value]), or a list of [field, operator, value] or
[doctype, field, operator, value]. Fields are names, operators come from a fixed list, values are
scalars or lists of scalars. Whether a named field exists and may be read is the shell's question
(it knows the DocType); this only refuses what can never be a filter.
"""

from __future__ import annotations

import re

OPERATORS = frozenset(
	{
		"=",
		"!=",
		"<",
		">",
		"<=",
		">=",
		"like",
		"not like",
		"in",
		"not in",
		"between",
		"is",
		"timespan",
		"descendants of",
		"not descendants of",
		"ancestors of",
		"not ancestors of",
		"descendants of (inclusive)",
	}
)
FIELDNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,139}$")
DOCTYPE = re.compile(r"^[A-Za-z][A-Za-z0-9 _-]{0,139}$")
MAX_FILTERS = 50
MAX_VALUES = 1000
MAX_TEXT = 1000


class FilterError(ValueError):
	"""A filter that is not data; `code` says why, `detail` shows the part (for the message)."""

	def __init__(self, code: str, detail: str = ""):
		super().__init__(f"{code}: {detail}" if detail else code)
		self.code = code
		self.detail = detail


def _scalar(value) -> bool:
	return value is None or isinstance(value, str | int | float | bool)


def _check_value(value) -> None:
	if isinstance(value, list | tuple):
		if len(value) > MAX_VALUES:
			raise FilterError("too_many_values")
		for item in value:
			if not _scalar(item):
				raise FilterError("bad_value", repr(item)[:80])
			if isinstance(item, str) and len(item) > MAX_TEXT:
				raise FilterError("value_too_long")
		return
	if not _scalar(value):
		raise FilterError("bad_value", repr(value)[:80])
	if isinstance(value, str) and len(value) > MAX_TEXT:
		raise FilterError("value_too_long")


def _check_operator(operator) -> None:
	if not isinstance(operator, str) or operator.strip().lower() not in OPERATORS:
		raise FilterError("bad_operator", str(operator)[:40])


def _check_field(field) -> None:
	if not isinstance(field, str) or not FIELDNAME.match(field):
		raise FilterError("bad_field", str(field)[:80])


def check_filters(filters) -> list[tuple[str | None, str]]:
	"""Refuse filters that are not data. Returns the (doctype or None, field) pairs they name, for the
	shell to check against the DocType's fields and the user's field-level access."""
	if filters in (None, "", [], {}):
		return []
	named: list[tuple[str | None, str]] = []
	if isinstance(filters, dict):
		if len(filters) > MAX_FILTERS:
			raise FilterError("too_many_filters")
		for field, value in filters.items():
			_check_field(field)
			if isinstance(value, list | tuple):
				# Frappe reads a list value of a dict filter as [operator, value].
				if len(value) != 2:
					raise FilterError("bad_filter", str(field))
				_check_operator(value[0])
				_check_value(value[1])
			else:
				_check_value(value)
			named.append((None, field))
		return named
	if not isinstance(filters, list | tuple):
		raise FilterError("bad_filter", str(filters)[:80])
	if len(filters) > MAX_FILTERS:
		raise FilterError("too_many_filters")
	for condition in filters:
		if not isinstance(condition, list | tuple):
			# A bare string is raw SQL to Frappe's query engine.
			raise FilterError("bad_filter", str(condition)[:80])
		if len(condition) == 3:
			doctype, (field, operator, value) = None, condition
		elif len(condition) in (4, 5):
			doctype, field, operator, value = condition[:4]
			if not isinstance(doctype, str) or not DOCTYPE.match(doctype):
				raise FilterError("bad_doctype", str(doctype)[:80])
		else:
			raise FilterError("bad_filter", str(condition)[:80])
		_check_field(field)
		_check_operator(operator)
		_check_value(value)
		named.append((doctype, field))
	return named


# A column expression may be a name or an aggregate of one (`sum(expected_amount) as total`), never a
# query: Frappe's field check looks for a sub-query only at the start of a field, so
# `sum((select amount from tabX where ...))` reads any table past every permission. Comments are refused
# too (`/*!select*/` is executed by MariaDB).
SUBQUERY = re.compile(r"(?<![A-Za-z0-9_])select(?![A-Za-z0-9_])|/\*|--|#", re.IGNORECASE)


def check_field_expressions(value) -> None:
	"""Refuse a field list, field name, grouping or sort (a string, or lists of them) that holds a
	sub-query or an SQL comment."""
	if isinstance(value, str):
		if SUBQUERY.search(value):
			raise FilterError("bad_field", value[:80])
	elif isinstance(value, list | tuple):
		for item in value:
			check_field_expressions(item)
