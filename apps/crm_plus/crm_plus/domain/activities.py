"""Activities (一般行动): calls, meetings, emails and notes logged against a lead, a customer or an
opportunity, and the follow-up rule of the open leads and opportunities.

An activity points at exactly one record through one of three Link fields (lead, customer,
opportunity) rather than a Dynamic Link pair: each is a real foreign key Frappe checks, each one's
form lists its activities through the same field (connections), and the row rule is three plain
`in (select ...)` conditions on indexed columns, the same shape as every other record of a customer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from crm_plus.domain.sales import OPEN_LEAD_STATUSES, OPEN_OPPORTUNITY_STATUSES
from crm_plus.domain.visits import overdue_rows

ACTIVITY_TYPES = ("Call", "Meeting", "Email", "Note")
# The field of an activity that points at each kind of record.
TARGET_FIELDS = {"CRM Lead": "lead", "CRM Customer": "customer", "CRM Opportunity": "opportunity"}


def target_error(values: Mapping) -> str | None:
	"""An activity is against exactly one record: a lead, a customer or an opportunity."""
	given = [f for f in TARGET_FIELDS.values() if values.get(f)]
	if not given:
		return "target_required"
	if len(given) > 1:
		return "one_target"
	return None


# From the most specific record to the least: an opportunity names its customer or lead, a customer the
# lead it was converted from.
SPECIFIC_FIRST = ("opportunity", "customer", "lead")


def restated_targets(values: Mapping, own_links: Mapping[str, Mapping]) -> set[str]:
	"""The target fields that merely restate the most specific target's own links, to be dropped.

	The desk's "+" in a form's Connections copies every Link field the two DocTypes share: from an
	opportunity it fills the opportunity, its customer and its lead; from a customer, the customer and
	the lead it came from. Such an activity is about the opportunity (the customer): the others only
	repeat what that record already says. `own_links` gives, per target field, the links of that record
	(`{"opportunity": {"customer": "C1", "lead": "L1"}, "customer": {"lead": "L1"}}`); a field whose value
	differs from the record's own link is kept, so an activity naming two unrelated records is still
	refused by `target_error`."""
	for field in SPECIFIC_FIRST:
		if values.get(field):
			links = own_links.get(field) or {}
			return {
				other
				for other in TARGET_FIELDS.values()
				if other != field and values.get(other) and values.get(other) == links.get(other)
			}
	return set()


def target(values: Mapping) -> tuple[str, str] | None:
	"""(DocType, name) of the record the activity is against, None when there is none."""
	for doctype, field in TARGET_FIELDS.items():
		if values.get(field):
			return doctype, values[field]
	return None


def counts_as_followup(activity: Mapping) -> bool:
	"""A done activity is a follow-up; a planned one (not done) is not yet."""
	return bool(activity.get("done")) and bool(activity.get("done_on"))


def sales_followups_due(
	records: Iterable[Mapping],
	last_followup: Mapping[str, date | datetime | None],
	today: date,
	interval_days: int = 30,
) -> list[dict]:
	"""Open leads and opportunities not followed up for more than interval_days, most overdue first.

	`records`: {doctype, name, status, account_manager, creation}. Never followed up: counted from
	the creation. Rows: {doctype, record, rep, last_contact, due_on, days_overdue}."""
	return overdue_rows(records, last_followup, today, interval_days, _open_with_owner, ("doctype", "record"))


def _open_with_owner(record: Mapping) -> dict | None:
	open_statuses = OPEN_LEAD_STATUSES if record["doctype"] == "CRM Lead" else OPEN_OPPORTUNITY_STATUSES
	if record.get("status") not in open_statuses or not record.get("account_manager"):
		return None
	return {"doctype": record["doctype"], "record": record["name"], "rep": record["account_manager"]}
