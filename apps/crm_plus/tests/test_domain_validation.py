from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_plus.domain import validation as v
from tests.seed_examples import ENTERPRISES, INDIVIDUALS


@pytest.mark.parametrize("phone", [row[2] for row in ENTERPRISES + INDIVIDUALS])
def test_seed_002_phone_numbers_are_accepted(phone):
	assert v.phone_error(phone) is None


@pytest.mark.parametrize("value", ["13812345678", "+86 138 1234 5678", "86-13812345678", "19912345678"])
def test_valid_mobiles(value):
	assert v.mobile_error(value) is None


@pytest.mark.parametrize("value", ["12812345678", "1381234567", "138123456789", "abc", "0335-6666"])
def test_invalid_mobiles(value):
	assert v.mobile_error(value) == "invalid_mobile"


@pytest.mark.parametrize("value", ["12", "phone", "0335-66a6", "++86 10 1234", "1" * 16])
def test_invalid_phones(value):
	assert v.phone_error(value) == "invalid_phone"


def test_phone_with_extension_is_accepted():
	assert v.phone_error("010-12345678 ext 123") is None
	assert v.phone_error("010-12345678转8") is None


def test_empty_values_are_left_to_the_mandatory_check():
	assert v.mobile_error("") is None
	assert v.phone_error(None) is None
	assert v.email_error("  ") is None
	assert v.id_number_error("") is None
	assert v.tax_id_error(None) is None


@pytest.mark.parametrize("value", ["a@b.cn", "zhang.san+crm@example.com.cn"])
def test_valid_emails(value):
	assert v.email_error(value) is None


@pytest.mark.parametrize("value", ["a@b", "a b@c.com", "a@@b.com", "a..b@c.com", "@c.com", "a@c.c"])
def test_invalid_emails(value):
	assert v.email_error(value) == "invalid_email"


def make_id(region="130302", born="19870109", seq="123"):
	first17 = region + born + seq
	return first17 + v.id_number_check_char(first17)


def test_id_number_with_valid_check_character():
	assert v.id_number_error(make_id()) is None
	assert v.id_number_error(make_id().lower()) is None  # a lower-case x is accepted


def test_known_public_example_id_number():
	# The example number printed in GB 11643-1999.
	assert v.id_number_error("11010519491231002X") is None


def test_id_number_errors():
	good = make_id()
	wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
	assert v.id_number_error(wrong_check) == "invalid_id_number"
	assert v.id_number_error(good[:17]) == "invalid_id_number"
	assert v.id_number_error(make_id(born="19870230")) == "invalid_id_number"
	assert v.id_number_error(make_id(born="20300101"), today=date(2026, 11, 22)) == "invalid_id_number"


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_every_number_with_its_check_char_passes_unless_the_date_is_impossible(first17):
	value = first17 + v.id_number_check_char(first17)
	try:
		born = date(int(first17[6:10]), int(first17[10:12]), int(first17[12:14]))
	except ValueError:
		born = None
	expected = None if born and born.year >= 1900 else "invalid_id_number"
	assert v.id_number_error(value) == expected


def test_unified_social_credit_code():
	first17 = "91130300MA0A1B2C3"
	code = first17 + v.uscc_check_char(first17)
	assert v.tax_id_error(code) is None
	# A real, published code (Huawei Technologies Co., Ltd.).
	assert v.tax_id_error("914403001922038216") is None
	bad = code[:17] + ("0" if code[17] != "0" else "1")
	assert v.tax_id_error(bad) == "invalid_tax_id"
	assert v.tax_id_error("91130300MA0A1B2C3I") == "invalid_tax_id"  # I is not in the alphabet
	assert v.tax_id_error("123") == "invalid_tax_id"


def test_amounts_and_dates():
	assert v.not_negative_error(-0.01) == "negative_amount"
	assert v.not_negative_error(0) is None
	assert v.past_date_error(date(2030, 1, 1), date(2026, 11, 22)) == "date_in_future"
	assert v.past_date_error(date(2026, 11, 22), date(2026, 11, 22)) is None


def test_duplicate_name_normalisation():
	assert v.normalize_name("苏宁电器 ") == v.normalize_name("苏宁 电器")
	assert v.normalize_name("ＡＢＣ Trading") == v.normalize_name("abc trading")
	assert v.normalize_name("国美电器（河北）") == v.normalize_name("国美电器(河北)")
	assert v.normalize_name("苏宁电器") != v.normalize_name("国美电器")


def test_phone_normalisation():
	assert v.normalize_phone("+86 138-1234-5678") == "13812345678"
	assert v.normalize_phone("0335-6666") == "03356666"


def test_years_between():
	assert v.years_between(date(2020, 11, 23), date(2026, 11, 22)) == 5
	assert v.years_between(date(2020, 11, 22), date(2026, 11, 22)) == 6
	assert v.years_between(None, date(2026, 1, 1)) is None
	assert v.years_between(date(2027, 1, 1), date(2026, 1, 1)) is None
