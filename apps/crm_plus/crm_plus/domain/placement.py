"""Where a new lead, customer or opportunity is placed when its user leaves the team empty.

A record without a sales team has no division either, so the owner's manager, the division head and the
service staff of the division never see it. The minimum a rep types must still place the record: the
owner's own team is filled in when there is exactly one; with several, the user chooses (the record is
refused with a message naming them, never saved where nobody above the owner sees it)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

FILLED = "filled"
CHOOSE = "choose"


def default_team(
	member_of: Iterable[str],
	managed: Iterable[str] = (),
	division: str | None = None,
	division_of: Mapping[str, str | None] | None = None,
) -> tuple[str | None, str | None]:
	"""(team, outcome) for a record whose owner belongs to the teams `member_of` and manages `managed`.

	One team the owner belongs to: that one (FILLED). Several: none, CHOOSE. None at all: the team the
	owner manages when there is exactly one, else CHOOSE among several, else (None, None): an owner
	outside every team has no manager to see the record, and the record is saved as it is. A record
	that names its division takes only a team of that division (`division_of`: each team's division);
	with none there, the record is left as it is for the placement rule to judge."""
	for teams in (member_of, managed):
		teams = sorted(set(t for t in teams if t))
		if division:
			teams = [t for t in teams if (division_of or {}).get(t) == division]
		if len(teams) == 1:
			return teams[0], FILLED
		if len(teams) > 1:
			return None, CHOOSE
	return None, None
