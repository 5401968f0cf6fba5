from datetime import date, datetime

import pytest

from crm_plus.domain.lifecycle import (
	STATUSES,
	anniversary_in_year,
	deletion_blocked,
	status_after_purchases,
	status_change,
	upcoming_occasions,
)
from tests.seed_examples import INDIVIDUALS


def test_status_change_logs_days_in_previous_status():
	change = status_change("Potential", datetime(2026, 1, 1, 12), "Target", datetime(2026, 1, 11, 0))
	assert change.from_status == "Potential" and change.to_status == "Target"
	assert change.days_in_previous_status == 9.5
	assert status_change("Target", datetime(2026, 1, 1), "Target", datetime(2026, 2, 1)) is None
	first = status_change(None, None, "Potential", datetime(2026, 1, 1))
	assert first.days_in_previous_status is None
	with pytest.raises(ValueError):
		status_change("Potential", None, "Vanished", datetime(2026, 1, 1))


@pytest.mark.parametrize(
	"current, purchases, expected",
	[
		("Potential", 0, "Potential"),
		("Potential", 1, "First Purchase"),
		("Target", 3, "Repeat"),
		("First Purchase", 2, "Repeat"),
		("Repeat", 1, "Repeat"),
		("Loyal", 5, "Loyal"),
		("Lost", 1, "First Purchase"),
		("At Risk", 7, "Repeat"),
	],
)
def test_purchases_move_customers_forward_only(current, purchases, expected):
	assert status_after_purchases(current, purchases) == expected


def test_every_status_result_is_a_known_status():
	for s in STATUSES:
		for n in range(4):
			assert status_after_purchases(s, n) in STATUSES


def test_deletion_is_blocked_by_history():
	assert deletion_blocked({"CRM Customer Transaction": 2, "CRM Visit": 0}) == ["CRM Customer Transaction"]
	assert deletion_blocked({"CRM Customer Transaction": 0}) == []


def test_seed_002_birthdays_are_announced_ahead():
	people = [(name, "birthday", born) for name, _, _, born, *_ in INDIVIDUALS]
	# 刘学丽 was born on 9 December 1989.
	found = upcoming_occasions(people, date(2026, 12, 6), 3)
	assert [(o.key, o.occurs_on, o.years) for o in found] == [("刘学丽", date(2026, 12, 9), 37)]
	assert upcoming_occasions(people, date(2026, 12, 10), 3) == []


def test_occasions_across_the_new_year_and_leap_days():
	people = [("a", "birthday", date(1990, 1, 2)), ("b", "founding_anniversary", date(2000, 2, 29))]
	found = upcoming_occasions(people, date(2026, 12, 30), 5)
	assert [(o.key, o.occurs_on, o.years) for o in found] == [("a", date(2027, 1, 2), 37)]
	found = upcoming_occasions(people, date(2027, 2, 27), 2)
	assert [(o.key, o.occurs_on) for o in found] == [("b", date(2027, 2, 28))]
	assert anniversary_in_year(date(2000, 2, 29), 2028) == date(2028, 2, 29)


def test_no_occasion_for_future_or_today_dates():
	assert upcoming_occasions([("x", "birthday", date(2026, 11, 22))], date(2026, 11, 22), 10) == []
	assert upcoming_occasions([("x", "birthday", None)], date(2026, 11, 22), 10) == []
