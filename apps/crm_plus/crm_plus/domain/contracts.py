"""Contracts (合同): their statuses, the moves between them, and the status their term gives them.

A contract is drafted, then signed; a signed contract is active from the first day of its term and
expires after the last one (the daily job applies `status_by_dates`); a signed or active contract
may be terminated early. Expired and terminated contracts are final. A signed or active contract
wins the opportunity it closes.
"""

from __future__ import annotations

from datetime import date

CONTRACT_STATUSES = ("Draft", "Signed", "Active", "Expired", "Terminated")
# The statuses the dates move on (the daily job), and those that win the contract's opportunity.
DATED_STATUSES = frozenset({"Signed", "Active"})
WINNING_STATUSES = frozenset({"Signed", "Active"})
OPEN_STATUSES = ("Draft", "Signed", "Active")

TRANSITIONS = {
	"Draft": frozenset({"Signed"}),
	"Signed": frozenset({"Draft", "Active", "Expired", "Terminated"}),
	"Active": frozenset({"Expired", "Terminated"}),
	"Expired": frozenset(),
	"Terminated": frozenset(),
}


def status_error(previous: str | None, new: str) -> str | None:
	"""An error code for a contract's status change, None when it is allowed.

	- unknown_status: not one of CONTRACT_STATUSES;
	- bad_start: a new contract starts as a draft or signed;
	- not_allowed: the move is not in TRANSITIONS (expired and terminated are final).
	"""
	if new not in CONTRACT_STATUSES:
		return "unknown_status"
	if previous is None:
		return None if new in ("Draft", "Signed", "Active") else "bad_start"
	if previous == new:
		return None
	if new not in TRANSITIONS.get(previous, frozenset()):
		return "not_allowed"
	return None


def contract_error(
	status: str, signed_date: date | None, start: date | None, end: date | None, amount: float | None
) -> str | None:
	"""The contract's own values: a signed contract has its signing date, a term ends after it starts."""
	if amount is not None and amount < 0:
		return "negative_amount"
	if start and end and end < start:
		return "end_before_start"
	if status != "Draft" and not signed_date:
		return "signed_date_required"
	return None


def status_by_dates(status: str, start: date | None, end: date | None, today: date) -> str:
	"""The status the term gives a signed or active contract on `today`; others keep theirs.

	Past its last day: Expired. Signed, and its term has begun: Active. Applied twice it gives the
	same answer (the daily job changes nothing on a second run)."""
	if status not in DATED_STATUSES:
		return status
	if end and today > end:
		return "Expired"
	if status == "Signed" and start and start <= today:
		return "Active"
	return status


def wins_opportunity(status: str) -> bool:
	return status in WINNING_STATUSES
