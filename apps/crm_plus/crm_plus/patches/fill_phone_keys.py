"""Duplicate checks compare phone numbers by their key (`party_checks`, `domain.validation.normalize_phone`):
the customers and leads stored before get the keys of their numbers, set-based; `modified` is left alone."""

from crm_plus.party_checks import fill_phone_keys


def execute():
	fill_phone_keys()
