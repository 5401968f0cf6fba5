"""The company's currency (domain.money)."""

from crm_plus.domain.money import DEFAULT_CURRENCY, company_currency, symbol


def test_the_setup_wizards_choice_comes_first():
	assert company_currency("USD", "EUR", "CNY") == "USD"


def test_else_the_sites_default_then_the_countrys_then_cny():
	assert company_currency(None, "EUR", "CNY") == "EUR"
	assert company_currency(None, None, "JPY") == "JPY"
	assert company_currency(None, None, None) == DEFAULT_CURRENCY == "CNY"
	assert company_currency("", "", "") == "CNY"


def test_an_unknown_currency_is_passed_over():
	known = {"CNY", "EUR"}.__contains__
	assert company_currency("XXX", "EUR", None, known) == "EUR"
	assert company_currency("XXX", None, None, known) == "CNY"


def test_the_yuan_gets_its_symbol_and_a_stored_symbol_is_kept():
	assert symbol("CNY", None) == "¥"
	assert symbol("CNY", "RMB") == "RMB"
	assert symbol("XYZ", None) is None
