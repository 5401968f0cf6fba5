"""What a customer without a login sends about complaints: the feedback on a resolution (confirmed or
not, a rating from 1 to 5, a comment) and a new complaint from the public form. The rules return
error codes; the shell translates them."""

import re
from datetime import datetime, timedelta

MAX_COMMENT = 2000
MAX_DESCRIPTION = 5000
LIMITS = {"full_name": 140, "phone": 40, "email": 140, "subject": 140, "description": MAX_DESCRIPTION}
REQUIRED = ("full_name", "email", "subject", "description")
# Channels whose customers answer for themselves through the feedback link: their confirmation and
# rating are the server's (staff never type them); other channels keep the agent-entered path.
SELF_SERVICE_CHANNELS = ("Email", "Web")
# How long a feedback link stays valid when no reopen window is set (days).
DEFAULT_LINK_DAYS = 14

EMAIL = re.compile(r"^[^@\s<>\"'(),;:\\\[\]]+@[^@\s<>\"'(),;:\\\[\]]+\.[^@\s<>\"'(),;:\\\[\]]+$")
PHONE = re.compile(r"^\+?[0-9 ()\-]{5,40}$")


def feedback_errors(resolved, rating, comment) -> tuple[dict, dict]:
	"""(values, errors) of a feedback answer. `resolved` is required (yes or no); a rating from 1 to 5
	is required when the customer confirms, optional otherwise; the comment is optional and bounded."""
	errors: dict[str, str] = {}
	values: dict = {}
	flag = _yes_no(resolved)
	if flag is None:
		errors["resolved"] = "required"
	else:
		values["resolved"] = flag
	stars = _int(rating)
	if rating in (None, "") or stars == 0:
		if flag:
			errors["rating"] = "required"
		values["rating"] = None
	elif stars is None or not 1 <= stars <= 5:
		errors["rating"] = "out_of_range"
	else:
		values["rating"] = stars
	text = comment if isinstance(comment, str) else ("" if comment is None else None)
	if text is None:
		errors["comment"] = "invalid"
	elif len(text) > MAX_COMMENT:
		errors["comment"] = "too_long"
	else:
		values["comment"] = text.strip()
	return values, errors


def public_complaint_errors(fields: dict) -> tuple[dict, dict]:
	"""(values, errors) of the public complaint form: required fields present, every value a string
	within its bound, the email and the phone well formed. Values are stripped."""
	values: dict[str, str] = {}
	errors: dict[str, str] = {}
	for name, limit in LIMITS.items():
		raw = fields.get(name)
		if raw is None:
			raw = ""
		if not isinstance(raw, str):
			errors[name] = "invalid"
			continue
		value = raw.strip()
		if name != "description":
			value = " ".join(value.split())  # one line: no newlines or tabs in a name, subject or phone
		if not value:
			if name in REQUIRED:
				errors[name] = "required"
			values[name] = ""
			continue
		if len(value) > limit:
			errors[name] = "too_long"
		elif name == "email" and not EMAIL.match(value):
			errors[name] = "invalid_email"
		elif name == "phone" and not PHONE.match(value):
			errors[name] = "invalid_phone"
		else:
			values[name] = value
	category = fields.get("category")
	values["category"] = category.strip() if isinstance(category, str) else ""
	return values, errors


def link_expiry(resolved_at: datetime, reopen_window_days: int) -> datetime:
	"""A feedback link lasts as long as the complaint may be reopened (the settings' window), or
	DEFAULT_LINK_DAYS without one: a "not resolved" answer must still be able to reopen it."""
	days = reopen_window_days if reopen_window_days and reopen_window_days > 0 else DEFAULT_LINK_DAYS
	return resolved_at + timedelta(days=days)


def _yes_no(value):
	if value in (True, 1, "1", "yes", "true"):
		return True
	if value in (False, 0, "0", "no", "false"):
		return False
	return None


def _int(value):
	if isinstance(value, bool):
		return None
	if isinstance(value, int):
		return value
	if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 3:
		return int(value.strip())
	return None
