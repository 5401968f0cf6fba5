"""The company's currency: every amount of the app (Currency fields, report columns, cards, Kanban) is
shown in the site's default currency, which Frappe alone never sets (ERPNext's setup does), so a site
without ERPNext showed amounts in the first currency it knew (UAE dirham)."""

from __future__ import annotations

DEFAULT_CURRENCY = "CNY"
# Symbols the framework's country data lacks for a currency (China's entry has none).
SYMBOLS = {"CNY": "¥"}


def company_currency(
	chosen: str | None, current: str | None, country_currency: str | None, known=lambda c: True
) -> str:
	"""The currency the site's amounts are in: the one the setup wizard chose, else the site's default
	already set (an admin's or ERPNext's), else that of the site's country, else CNY. A currency the
	site does not know (`known`) is passed over."""
	for currency in (chosen, current, country_currency):
		if currency and known(currency):
			return currency
	return DEFAULT_CURRENCY


def symbol(currency: str, stored: str | None) -> str | None:
	"""The symbol to store for a currency: its own when it has one, else a known one, else none."""
	return stored or SYMBOLS.get(currency)
