"""The rules of what a customer without a login sends about complaints, and of public links."""

from datetime import datetime, timedelta

import pytest

from crm_plus.domain import complaint_portal as cp
from crm_plus.domain import public_links as pl

NOW = datetime(2026, 11, 23, 12, 0)


def test_tokens_are_long_and_distinct():
	tokens = {pl.new_token() for _ in range(200)}
	assert len(tokens) == 200
	assert all(len(t) == 43 and pl.plausible_token(t) for t in tokens)
	assert not pl.plausible_token("") and not pl.plausible_token("x" * 101) and not pl.plausible_token(["x"])


@pytest.mark.parametrize(
	"expires_at, used_at, open_, state",
	[
		(None, None, True, "valid"),
		(NOW + timedelta(seconds=1), None, True, "valid"),
		(NOW, None, True, "expired"),
		(NOW - timedelta(days=1), NOW - timedelta(days=2), True, "used"),
		(NOW + timedelta(days=1), None, False, "closed"),
		(NOW - timedelta(days=1), None, False, "closed"),
	],
)
def test_link_states(expires_at, used_at, open_, state):
	assert pl.link_state(expires_at, used_at, NOW, open=open_) == state


@pytest.mark.parametrize(
	"resolved, rating, comment, errors",
	[
		("1", "4", "", {}),
		(1, 5, None, {}),
		("0", "", "still broken", {}),  # not solved: the rating is optional
		("0", "2", "", {}),
		("1", "", "", {"rating": "required"}),
		("1", "0", "", {"rating": "required"}),
		("1", "6", "", {"rating": "out_of_range"}),
		("1", "-1", "", {"rating": "out_of_range"}),
		("1", "4.5", "", {"rating": "out_of_range"}),
		("1", True, "", {"rating": "out_of_range"}),
		("", "4", "", {"resolved": "required"}),
		("maybe", "4", "", {"resolved": "required"}),
		("1", "4", "x" * 2001, {"comment": "too_long"}),
		("1", "4", ["x"], {"comment": "invalid"}),
	],
)
def test_feedback_answers(resolved, rating, comment, errors):
	_values, found = cp.feedback_errors(resolved, rating, comment)
	assert found == errors


def form(**fields):
	return {
		"full_name": "Li Wei",
		"email": "li@example.com",
		"phone": "+86 21 5555 0101",
		"subject": "Late",
		"description": "Three days late",
		**fields,
	}


def test_a_complete_form_passes_and_is_stripped():
	values, errors = cp.public_complaint_errors(form(full_name="  Li \n Wei ", description=" a\nb "))
	assert errors == {}
	assert values["full_name"] == "Li Wei" and values["description"] == "a\nb" and values["category"] == ""


@pytest.mark.parametrize(
	"fields, errors",
	[
		({"full_name": ""}, {"full_name": "required"}),
		({"email": None}, {"email": "required"}),
		({"phone": ""}, {}),  # optional
		({"subject": "   "}, {"subject": "required"}),
		({"description": "x" * 5001}, {"description": "too_long"}),
		({"subject": "y" * 141}, {"subject": "too_long"}),
		({"email": "li@<script>.com"}, {"email": "invalid_email"}),
		({"email": "no at sign"}, {"email": "invalid_email"}),
		({"phone": "<b>1</b>"}, {"phone": "invalid_phone"}),
		({"full_name": ["Li"]}, {"full_name": "invalid"}),
		({"description": {"a": 1}}, {"description": "invalid"}),
	],
)
def test_bad_forms_are_refused_field_by_field(fields, errors):
	assert cp.public_complaint_errors(form(**fields))[1] == errors


def test_a_link_lasts_as_long_as_the_reopen_window():
	assert cp.link_expiry(NOW, 7) == NOW + timedelta(days=7)
	assert cp.link_expiry(NOW, 0) == NOW + timedelta(days=cp.DEFAULT_LINK_DAYS)
