"""The sales funnel's rules (MISSION section 8): lead statuses and opportunity stages.

A lead is followed up (New, Contacted, Qualified), judged Unqualified with a reason, or converted
into a customer by the conversion action only; Converted is final. An opportunity moves between the
stages an admin defines (probability and order); a won or lost stage is terminal unless a manager
reopens it, a lost one needs a lost reason, and the probability always comes from the stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

LEAD_STATUSES = ("New", "Contacted", "Qualified", "Unqualified", "Converted")
# A lead still being worked: what may be converted, what the follow-up rule and the pool consider, what
# moves with a departing rep. The one home of this rule (activities, pool and their SQL read it here).
OPEN_LEAD_STATUSES = ("New", "Contacted", "Qualified")
OPPORTUNITY_STATUSES = ("Open", "Won", "Lost")
OPEN_OPPORTUNITY_STATUSES = ("Open",)


@dataclass(frozen=True)
class Stage:
	name: str
	probability: float = 0.0
	order: int = 0
	is_won: bool = False
	is_lost: bool = False

	@property
	def terminal(self) -> bool:
		return self.is_won or self.is_lost


def stage_definition_error(probability: float | None, is_won: bool, is_lost: bool) -> str | None:
	"""An admin's stage: won or lost (or neither), with a probability between 0 and 100."""
	if is_won and is_lost:
		return "won_and_lost"
	if probability is not None and not 0 <= probability <= 100:
		return "probability_out_of_range"
	return None


def lead_status_error(
	previous: str | None, new: str, unqualified_reason: str | None, converting: bool = False
) -> str | None:
	"""An error code for a lead's status change, None when it is allowed.

	- unknown_status: not one of LEAD_STATUSES;
	- converted_is_final: a converted lead keeps its status;
	- convert_with_action: only the conversion action makes a lead Converted;
	- reason_required: an unqualified lead needs a reason.
	"""
	if new not in LEAD_STATUSES:
		return "unknown_status"
	if previous == "Converted" and new != "Converted":
		return "converted_is_final"
	if new == "Converted" and previous != "Converted" and not converting:
		return "convert_with_action"
	if new == "Unqualified" and not (unqualified_reason or "").strip():
		return "reason_required"
	return None


def conversion_error(status: str | None) -> str | None:
	"""May a lead in this status be converted? Unqualified leads are qualified first."""
	if status == "Converted":
		return "already_converted"
	if status not in OPEN_LEAD_STATUSES:
		return "not_convertible"
	return None


def customer_kind_for_lead(company_name: str | None) -> str:
	"""A lead with a company becomes an enterprise customer, one without an individual customer."""
	return "Enterprise" if (company_name or "").strip() else "Individual"


def status_for_stage(stage: Stage) -> str:
	if stage.is_won:
		return "Won"
	if stage.is_lost:
		return "Lost"
	return "Open"


def probability_for_stage(stage: Stage) -> float:
	"""The opportunity's probability in percent, from its stage (won: 100, lost: 0)."""
	if stage.is_won:
		return 100.0
	if stage.is_lost:
		return 0.0
	return float(min(100.0, max(0.0, stage.probability or 0.0)))


def stage_move_error(current: Stage | None, target: Stage, may_reopen: bool) -> str | None:
	"""An error code for moving an opportunity from `current` (None: a new one) to `target`.

	Open stages move freely, forward and back, and to a won or lost stage. A won or lost opportunity
	stays where it is unless a manager (`may_reopen`) moves it: reopening, or switching won and lost.
	"""
	if current is None or current.name == target.name:
		return None
	if current.terminal and not may_reopen:
		return "terminal_stage"
	return None


def lost_reason_error(status: str, lost_reason: str | None) -> str | None:
	if status == "Lost" and not (lost_reason or "").strip():
		return "lost_reason_required"
	return None


def first_open_stage(stages: list[Stage]) -> Stage | None:
	"""The stage a new opportunity starts in: the open stage of lowest order."""
	open_stages = sorted((s for s in stages if not s.terminal), key=lambda s: (s.order, s.name))
	return open_stages[0] if open_stages else None


@dataclass(frozen=True)
class StageChange:
	from_stage: str | None
	to_stage: str
	changed_at: datetime
	days_in_previous_stage: float | None


def stage_change(
	previous: str | None, previous_since: datetime | None, new: str, now: datetime
) -> StageChange | None:
	"""The log entry for a change of stage, with the days spent in the stage left; None if unchanged."""
	if previous == new:
		return None
	days = None
	if previous is not None and previous_since is not None:
		days = round(max(0.0, (now - previous_since).total_seconds()) / 86400, 2)
	return StageChange(previous, new, now, days)
