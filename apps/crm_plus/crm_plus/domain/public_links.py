"""Links that open a page without a login (a survey, a complaint's feedback): one rule for all of them.

A link carries an unguessable token (256 bits); the shell finds its record by the token and compares it
byte for byte in constant time (`crm_plus.public_links.record_by_token`). A link is used once, expires,
and stops working when what it was sent for has ended (a campaign closed, a complaint reopened).
"""

import secrets
from datetime import datetime

# The states a link can be in, as the pages name them.
STATES = ("valid", "used", "closed", "expired", "forged")


# Letters and digits only: a token survives every way a mail shows a link. Frappe's plain-text part
# (HTML converted to Markdown) writes "_" as "\\_", and a "-" at a line's start is a list item.
TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
TOKEN_LENGTH = 43  # 62**43 > 2**256


def new_token() -> str:
	"""An unguessable token (256 bits, letters and digits, 43 characters). Tokens made before (URL-safe
	base64, with "-" and "_") stay valid: a token is looked up as it is."""
	return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def plausible_token(token) -> bool:
	"""Worth looking up: a non-empty string of at most 100 characters."""
	return isinstance(token, str) and 0 < len(token) <= 100


def link_state(
	expires_at: datetime | None, used_at: datetime | None, now: datetime, open: bool = True
) -> str:
	""" "used" once used (whatever the expiry), else "closed" when its purpose has ended (`open` false),
	else "expired" from expires_at on, else "valid". No expiry: never expires. Compare like with like
	(all naive or all aware)."""
	if used_at is not None:
		return "used"
	if not open:
		return "closed"
	if expires_at is not None and now >= expires_at:
		return "expired"
	return "valid"
