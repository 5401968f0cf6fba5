"""A customer's e-mail address both ways: the customer (and contact) of an address a customer wrote
from (one query, one rule, `domain.mail.customer_of_address`, used by the mail intake and the public
complaint form alike), and the address a complaint's replies and feedback link go to."""

import frappe

from crm_plus.domain.mail import customer_of_address


def match_customer(address: str | None) -> tuple[str | None, str | None]:
	"""(customer, contact) when the address names exactly one active customer, through a contact's
	address linked to it or the customer's own; otherwise (None, None). A From line and a form's field
	are easily forged, so a match files the complaint under that customer and grants the writer nothing."""
	if not address:
		return None, None
	rows = frappe.db.sql(
		"""select dl.link_name as customer, ce.parent as contact, c.disabled
		from `tabContact Email` ce
		join `tabDynamic Link` dl on dl.parenttype = 'Contact' and dl.parent = ce.parent
			and dl.link_doctype = 'CRM Customer'
		join `tabCRM Customer` c on c.name = dl.link_name
		where ce.parenttype = 'Contact' and ce.email_id = %(address)s
		union all
		select c.name as customer, null as contact, c.disabled
		from `tabCRM Customer` c where c.email = %(address)s""",
		{"address": address},
		as_dict=True,
	)
	return customer_of_address(rows)


def customer_address(contact: str | None, customer: str | None) -> str | None:
	"""The address replies to a complaint go to: its contact's, else the customer's own."""
	if contact and (address := frappe.db.get_value("Contact", contact, "email_id")):
		return address
	return frappe.db.get_value("CRM Customer", customer, "email") if customer else None


def complaint_address(complaint) -> str | None:
	"""Where the customer of a complaint is written to: the address they wrote from or gave, else their
	contact's or the customer's own (the controller fills `raised_by` from those on save)."""
	return complaint.raised_by or customer_address(complaint.contact, complaint.customer)
