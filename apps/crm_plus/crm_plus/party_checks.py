"""What customers and leads check alike, written once: the messages of their input checks (error codes
of `domain.validation`), the stored phone keys, and the duplicate check with its message.

Phone numbers are compared by their key (`domain.validation.normalize_phone`: digits, a mobile's 86
country code dropped), stored on every save in an indexed column beside each phone field, so that
`+86 138-1234-5678` and `13812345678` are one customer at the cost of an index lookup; stored rows get
their keys from the patch `fill_phone_keys` (and the demo generator from `fill_phone_keys()`)."""

import frappe
from frappe import _
from frappe.utils import escape_html

from crm_plus.domain.validation import normalize_phone
from crm_plus.utils import bulk_set

LEAD, CUSTOMER = "CRM Lead", "CRM Customer"

# Error codes of crm_plus.domain.validation, as the messages users read.
MESSAGES = {
	"invalid_mobile": lambda label, value: _("{0}: {1} is not a valid mobile number").format(label, value),
	"invalid_phone": lambda label, value: _("{0}: {1} is not a valid phone number").format(label, value),
	"invalid_email": lambda label, value: _("{0}: {1} is not a valid email address").format(label, value),
	"invalid_id_number": lambda label, value: _("{0}: {1} is not a valid resident ID number").format(
		label, value
	),
	"invalid_tax_id": lambda label, value: _("{0}: {1} is not a valid unified social credit code").format(
		label, value
	),
	"negative_amount": lambda label, value: _("{0} cannot be negative").format(label),
	"date_in_future": lambda label, value: _("{0} cannot be in the future").format(label),
}

# Each phone field and the column holding its key.
PHONE_KEYS = {
	CUSTOMER: {"mobile": "mobile_key", "company_phone": "company_phone_key"},
	LEAD: {"phone": "phone_key"},
}
TITLE_FIELDS = {CUSTOMER: "customer_name", LEAD: "lead_name"}

# What a duplicate check of each DocType says; a duplicate the user may not read is only said to exist:
# what it is (a lead, a customer) and that another team has it. Each has its own sentence: the Chinese
# names the record (线索, 客户).
FOUND = {
	CUSTOMER: lambda found: _("A customer with {0} already exists.").format(found),
	LEAD: lambda found: _("A lead or customer with {0} already exists.").format(found),
}
TITLES = {CUSTOMER: lambda: _("Duplicate customer"), LEAD: lambda: _("Duplicate lead")}
HIDDEN = {
	(CUSTOMER, frozenset({CUSTOMER})): lambda: _(
		"It belongs to another team: ask your manager to assign it to you instead of creating it again."
	),
	(LEAD, frozenset({LEAD})): lambda: _(
		"The lead belongs to another team: ask your manager to assign it to you instead of creating it again."
	),
	(LEAD, frozenset({CUSTOMER})): lambda: _(
		"The customer belongs to another team: ask your manager to assign it to you instead of entering it as a lead."
	),
	(LEAD, frozenset({LEAD, CUSTOMER})): lambda: _(
		"The lead and the customer belong to other teams: ask your manager to assign them to you instead of creating them again."
	),
}


def set_phone_keys(doc) -> None:
	"""validate: the key of each phone field (empty for no number)."""
	for field, key in PHONE_KEYS[doc.doctype].items():
		doc.set(key, normalize_phone(doc.get(field)) or None)


def same_value(doctype: str, fieldname: str, value: str, exclude: str | None = None) -> list:
	"""Up to five other records of `doctype` with this value in an indexed column, whoever may see them
	(a converted lead is its customer now and is not counted)."""
	table = frappe.qb.DocType(doctype)
	condition = (table.name != (exclude or "")) & (table[fieldname] == value)
	if doctype == LEAD:
		condition &= table.status != "Converted"
	return (
		frappe.qb.from_(table)
		.select(table.name, table[TITLE_FIELDS[doctype]].as_("title"))
		.where(condition)
		.limit(5)
		.run(as_dict=True)
	)


def refuse_duplicates(doc, checks: list[tuple[str, list[tuple[str, str, str]]]]) -> None:
	"""Refuse `doc` when another record has one of its values. `checks`: (what the value is, as the
	user reads it; [(doctype, column, value)] to look in). A duplicate the user may read is named (with
	its kind when the check looks at more than one DocType); one they may not is only said to exist."""
	kinds = {doctype for _what, places in checks for doctype, _column, _value in places}
	found, hidden = [], set()
	for what, places in checks:
		for doctype, column, value in places:
			exclude = doc.name if doctype == doc.doctype else None
			for other in same_value(doctype, column, value, exclude):
				if not frappe.has_permission(doctype, "read", other.name):
					found.append(what)
					hidden.add(doctype)
				elif len(kinds) > 1:
					found.append(f"{what} ({_(doctype)} {other.name} {other.title})")
				else:
					found.append(f"{what} ({other.name} {other.title})")
	if not found:
		return
	message = FOUND[doc.doctype](", ".join(escape_html(x) for x in dict.fromkeys(found)))
	if hidden:
		message += " " + HIDDEN[(doc.doctype, frozenset(hidden))]()
	frappe.throw(message, frappe.DuplicateEntryError, title=TITLES[doc.doctype]())


def phone_places(doctypes_fields: list[tuple[str, str]], value: str) -> list[tuple[str, str, str]]:
	"""Where a phone number is looked for: the key column of each (doctype, phone field), by its key;
	nothing for a value without digits."""
	key = normalize_phone(value)
	return [(doctype, PHONE_KEYS[doctype][field], key) for doctype, field in doctypes_fields] if key else []


def fill_phone_keys() -> None:
	"""The keys of every stored phone number, set-based (the patch, and the demo generator's bulk rows)."""
	for doctype, keys in PHONE_KEYS.items():
		for field, key in keys.items():
			rows = frappe.db.sql(
				f"""select name, `{field}` from `tab{doctype}`
				where ifnull(`{field}`, '') != '' and ifnull(`{key}`, '') = ''"""
			)
			bulk_set(doctype, key, [(name, normalize_phone(value) or None) for name, value in rows])
