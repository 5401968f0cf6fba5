"""Input rules for customer archives: phone numbers, email, identity numbers, credit codes, amounts.

Each validator returns None when the value is acceptable (empty values are acceptable: whether a
field is mandatory is the DocType's business) or an error code the Frappe shell turns into a
translated message.
"""

from __future__ import annotations

import re
from datetime import date

MOBILE_CN = re.compile(r"^(?:\+?86[- ]?)?1[3-9]\d{9}$")
PHONE_CHARS = re.compile(r"^\+?[\d\s\-()]+(?:\s*(?:ext\.?|x|转)\s*\d{1,6})?$", re.IGNORECASE)
EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"

# GB 32100-2015 unified social credit code: 18 characters from this alphabet (no I, O, Z, S, V).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _clean(value: str | None) -> str:
	return (value or "").strip()


def mobile_error(value: str | None) -> str | None:
	"""A mainland China mobile number, optionally with +86."""
	value = _clean(value).replace(" ", "").replace("-", "")
	if not value:
		return None
	return None if MOBILE_CN.match(value) else "invalid_mobile"


def phone_error(value: str | None) -> str | None:
	"""Any landline or mobile: digits with spaces, dashes, brackets, a leading + and an extension."""
	value = _clean(value)
	if not value:
		return None
	digits = re.sub(r"\D", "", value.split("ext")[0].split("转")[0])
	if not PHONE_CHARS.match(value) or not 7 <= len(digits) <= 15:
		return "invalid_phone"
	return None


def email_error(value: str | None) -> str | None:
	value = _clean(value)
	if not value:
		return None
	if len(value) > 254 or ".." in value or not EMAIL.match(value):
		return "invalid_email"
	return None


def id_number_error(value: str | None, today: date | None = None) -> str | None:
	"""An 18-character resident identity number: region, a real birth date and the ISO 7064 check."""
	value = _clean(value).upper()
	if not value:
		return None
	if not re.match(r"^\d{17}[\dX]$", value):
		return "invalid_id_number"
	try:
		born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
	except ValueError:
		return "invalid_id_number"
	if born.year < 1900 or (today and born > today):
		return "invalid_id_number"
	return None if id_number_check_char(value[:17]) == value[17] else "invalid_id_number"


def id_number_check_char(first17: str) -> str:
	"""The ISO 7064 check character of an identity number's first 17 digits."""
	return ID_CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def uscc_check_char(first17: str) -> str:
	total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
	return USCC_ALPHABET[(31 - total % 31) % 31]


def tax_id_error(value: str | None) -> str | None:
	"""A unified social credit code (统一社会信用代码) with its GB 32100-2015 check character."""
	value = _clean(value).upper()
	if not value:
		return None
	if len(value) != 18 or any(c not in USCC_ALPHABET for c in value):
		return "invalid_tax_id"
	return None if uscc_check_char(value[:17]) == value[17] else "invalid_tax_id"


def not_negative_error(value: float | None) -> str | None:
	return "negative_amount" if value is not None and value < 0 else None


def past_date_error(value: date | None, today: date) -> str | None:
	"""Founding dates, birth dates and the like cannot lie in the future."""
	return "date_in_future" if value is not None and value > today else None


def normalize_name(name: str | None) -> str:
	"""The form of a customer name used to find duplicates: case, spaces and full-width forms folded."""
	text = _clean(name)
	text = "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c for c in text)
	text = text.replace("\u3000", " ")
	text = re.sub(r"[\s()（）]+", "", text.lower())
	return text


def normalize_phone(value: str | None) -> str:
	"""Digits only, with a leading 86 country code dropped from mobile numbers."""
	digits = re.sub(r"\D", "", _clean(value))
	if len(digits) == 13 and digits.startswith("86") and digits[2] == "1":
		digits = digits[2:]
	return digits


def years_between(start: date | None, today: date) -> int | None:
	"""Whole years from start to today (for years of cooperation)."""
	if start is None or start > today:
		return None
	years = today.year - start.year
	if (today.month, today.day) < (start.month, start.day):
		years -= 1
	return years
