"""Pages without a login (the survey, a complaint's feedback, the public complaint form) share these:
finding a record by its link's token, and a limit of requests per address for the pages themselves
(their POST methods use Frappe's `rate_limit` decorator the same way)."""

import hmac

import frappe
from frappe.utils import get_datetime, now_datetime

from crm_plus.domain.public_links import link_state, plausible_token


def record_by_token(doctype: str, field: str, token) -> str | None:
	"""The name of the record whose `field` is exactly `token`. The column's collation matches without
	regard to case (and to trailing spaces), so the candidates it finds are compared byte for byte, in
	constant time."""
	if not plausible_token(token):
		return None
	for row in frappe.get_all(doctype, {field: token}, ["name", field]):
		stored = row.get(field)
		if stored and hmac.compare_digest(stored.encode(), token.encode()):
			return row.name
	return None


def doc_by_token(doctype: str, field: str, token):
	"""The record whose `field` is exactly `token` (`record_by_token`), or None."""
	name = record_by_token(doctype, field, token)
	return frappe.get_doc(doctype, name) if name else None


def state_of_link(record, expires_field: str, answered_field: str, is_open) -> str:
	"""The state of a record's public link (`domain.public_links.link_state`) from its expiry and answer
	times; "forged" for no record. `is_open(record)`: whether what the link answers still takes answers."""
	if record is None:
		return "forged"
	expires, answered = record.get(expires_field), record.get(answered_field)
	return link_state(
		get_datetime(expires) if expires else None,
		get_datetime(answered) if answered else None,
		now_datetime(),
		open=is_open(record),
	)


def over_limit(page: str, limit: int, seconds: int, key: str | None = None) -> bool:
	"""Count one request of this address (or of `key`, e.g. one link's token, whatever the address)
	to `page`; True once more than `limit` came in the window (a fixed window starting with the first
	request, as Frappe's rate_limit counts)."""
	who = key or getattr(frappe.local, "request_ip", None)
	if not who or not getattr(frappe.local, "request", None):
		return False  # not a web request (a test calling the function, a job)
	key = frappe.cache.make_key(f"crm_plus:rl:{page}:{who}")
	if not frappe.cache.get(key):
		frappe.cache.setex(key, seconds, 0)
	return frappe.cache.incrby(key, 1) > limit
