"""A record saved without a team is placed in its owner's team (domain.placement)."""

from crm_plus.domain.placement import CHOOSE, FILLED, default_team


def test_the_owners_only_team_is_filled_in():
	assert default_team(["Team A-1"]) == ("Team A-1", FILLED)
	# The same team listed twice is still one team.
	assert default_team(["Team A-1", "Team A-1"], ["Team A"]) == ("Team A-1", FILLED)


def test_an_owner_in_several_teams_must_choose():
	assert default_team(["Team A-1", "Team B"]) == (None, CHOOSE)
	# Membership decides before management: a member of two teams chooses even if managing one.
	assert default_team(["Team A-1", "Team B"], ["Team A"]) == (None, CHOOSE)


def test_a_manager_outside_every_team_gets_the_team_managed():
	assert default_team([], ["Team A"]) == ("Team A", FILLED)
	assert default_team([], ["Team A", "Team B"]) == (None, CHOOSE)


def test_an_owner_in_no_team_is_left_as_is():
	assert default_team([], []) == (None, None)
	assert default_team([None, ""], []) == (None, None)


def test_a_record_that_names_its_division_takes_only_a_team_of_it():
	division_of = {"Team A-1": "A", "Team B": "B", "Team B-2": "B"}
	assert default_team(["Team A-1", "Team B"], [], "B", division_of) == ("Team B", FILLED)
	assert default_team(["Team A-1"], [], "A", division_of) == ("Team A-1", FILLED)
	# No team of the owner in that division: nothing filled (the placement rule judges the division).
	assert default_team(["Team B"], [], "A", division_of) == (None, None)
	assert default_team(["Team B", "Team B-2"], [], "B", division_of) == (None, CHOOSE)
