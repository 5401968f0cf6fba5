"""A manager's report rerun within minutes is answered from a cache (issue 23: Sales Rep Performance and
Sales Funnel were 37% of the server's time under a working day's load, managers a tenth of the users).

An entry is one viewer's own result: its key is the report, the user, a fingerprint of everything the
report's permission conditions read for that user (the scopes of customers, leads and opportunities:
teams, divisions, assigned records, pools; and the reps of the user's teams), the language and the
filters. No entry is ever read under another user's key, so a cache can never show one user another's
rows; a change of the viewer's teams, divisions or assignments makes a new key at once.

Entries live `TTL` seconds, and the report says so above its rows ("Figures as of 10:32; a rerun
within 5 minutes shows these figures"): writes to the tables a report reads do not drop its entries
(under a working day's load reps log visits, sales and stage moves every few seconds, which would empty
the cache before any rerun). A change of the organisation (a sales team, a division, a submitted
customer transfer) drops every entry (`clear`). Tests that call a report in-process are not cached.
"""

import hashlib
import json

import frappe
from frappe import _
from frappe.utils import escape_html, now_datetime

TTL = 300  # seconds
PREFIX = "crm_plus:report:"


def cached(report: str, filters, compute):
	"""The result of `compute(filters)` for the current user, from the cache when it holds one less than
	TTL seconds old; the result's message says when its figures were computed."""
	if frappe.flags.in_test and not frappe.flags.crm_plus_report_cache:
		return compute(filters)
	key = PREFIX + cache_key(report, filters)
	hit = frappe.cache().get_value(key, expires=True)
	if hit is not None:
		return hit
	result = list(compute(filters))
	result += [None] * (4 - len(result))
	if result[2] is None:
		result[2] = as_of_message()
	result = tuple(result)
	frappe.cache().set_value(key, result, expires_in_sec=TTL)
	return result


def as_of_message() -> str:
	return '<span class="text-muted">{}</span>'.format(
		escape_html(
			_("Figures as of {0}; a rerun within {1} minutes shows these figures.").format(
				now_datetime().strftime("%H:%M"), TTL // 60
			)
		)
	)


def cache_key(report: str, filters) -> str:
	"""The viewer's key: report, user, the fingerprint of the user's permission scopes, language, filters."""
	from crm_plus.security.scope import CUSTOMER, get_scope, reps_of

	user = frappe.session.user
	scopes = [get_scope(user, doctype) for doctype in (CUSTOMER, "CRM Lead", "CRM Opportunity")]
	viewer = {
		"user": user,
		"scopes": [_plain(s) for s in scopes],
		"reps": sorted(reps_of(scopes[0])),
		"roles": sorted(frappe.get_roles(user)),
		"lang": frappe.local.lang,
		"filters": dict(filters or {}),
	}
	digest = hashlib.sha256(json.dumps(viewer, sort_keys=True, default=str).encode()).hexdigest()
	return f"{report}:{user}:{digest}"


def _plain(scope) -> dict:
	return {k: sorted(v) if isinstance(v, frozenset) else v for k, v in vars(scope).items()}


def clear(doc=None, method=None) -> None:
	"""Drop every cached report of the site (doc_events of the organisation's DocTypes)."""
	frappe.cache().delete_keys(PREFIX)
