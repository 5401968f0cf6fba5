"""The lead pool (公海): leads, and optionally customers, nobody followed up for a number of days go
back to their division's pool; a rep of the division claims them from it, up to a limit.

A released record keeps its division and loses its owner; whoever may see the division's pool
(its reps, managers and head) reads it there (`access.can_read`), and only a claim makes it theirs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

from crm_plus.domain.sales import OPEN_LEAD_STATUSES

RELEASE, CLAIM = "Release", "Claim"
ACTIONS = (RELEASE, CLAIM)


def _day(value: date | datetime) -> date:
	return value.date() if isinstance(value, datetime) else value


def release_cutoff(today: date, days: int) -> date:
	"""Records whose last qualifying follow-up (or owner since, if later) is before this day go back."""
	return _day(today) - timedelta(days=days)


def release_due(record: Mapping, last_followup: date | datetime | None, today: date, days: int) -> bool:
	"""Does this record go back to its division's pool today?

	`record`: {in_pool, account_manager, division, status (leads), disabled (customers), owner_since,
	creation}. Only an owned record of a division that is open (a lead not converted or judged
	unqualified, a customer not deactivated) goes; its clock runs from the later of its last
	qualifying follow-up and the day its owner got it (a claim restarts the clock). `days` <= 0: never.
	"""
	if days <= 0 or record.get("in_pool") or not record.get("account_manager") or not record.get("division"):
		return False
	if "status" in record and record.get("status") not in OPEN_LEAD_STATUSES:
		return False
	if record.get("disabled"):
		return False
	starts = [_day(v) for v in (last_followup, record.get("owner_since"), record.get("creation")) if v]
	if not starts:
		return False
	return max(starts) < release_cutoff(today, days)


def claim_error(record: Mapping | None, pool_divisions: Iterable[str], held: int, limit: int) -> str | None:
	"""May a rep claim this record? `pool_divisions`: the divisions whose pool the rep sees; `held`:
	the open records the rep holds from earlier claims; `limit` <= 0: no limit.

	- not_found / not_in_pool: gone, or claimed by someone else already;
	- other_division: another division's pool;
	- limit_reached: the rep holds as many claimed records as allowed.
	"""
	if not record:
		return "not_found"
	if not record.get("in_pool"):
		return "not_in_pool"
	if record.get("division") not in set(pool_divisions):
		return "other_division"
	if limit > 0 and held >= limit:
		return "limit_reached"
	return None


def is_open(record: Mapping) -> bool:
	"""A lead still being worked (not converted, not judged unqualified), a customer not deactivated:
	what a release considers and what a rep's claims count."""
	if "disabled" in record:  # a customer (whose `status` is its lifecycle, not a lead's)
		return not record.get("disabled")
	return record.get("status") in OPEN_LEAD_STATUSES


def reopens_claim(before: Mapping, after: Mapping) -> bool:
	"""Is a record its owner holds from a claim being opened again (an unqualified lead back to
	Contacted, a deactivated customer restored)?"""
	if not after.get("claimed_from_pool") or after.get("in_pool"):
		return False
	return not is_open(before) and is_open(after)


def reopen_error(before: Mapping, after: Mapping, held: int, limit: int) -> str | None:
	"""May it be? Closing a claimed record frees a place under the limit; opening it again takes a
	place, so at the limit it is refused, or a rep could close, claim more and reopen without end.
	`held`: the open claimed records the owner holds besides this one; `limit` <= 0: no limit."""
	if not reopens_claim(before, after):
		return None
	if limit > 0 and held >= limit:
		return "limit_reached"
	return None
