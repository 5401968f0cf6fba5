"""Contacts and addresses of customers follow the customer (seed 003: all contact history stays with
the company when staff leave).

Frappe gives every user only the contacts they created (`if_owner`). CRM roles get read (service
staff) or read, write and create (sales) on Contact and Address, narrowed by the customer rule: a
contact or address is seen by whoever may read a customer it is linked to, edited by whoever may
edit one, and always by its creator. So the rep who takes a customer over in a transfer sees its
contacts at once, and a rep of another division never does. System Managers and users without a
CRM role keep Frappe's own rules. The rule: crm_plus.security.table (CONTACT), written in
crm_plus.security.conditions.contact.
"""

import frappe

from crm_plus.domain.roles import ALL_ROLES, SERVICE_ROLES

DOCTYPES = ("Contact", "Address")


def ensure_permissions() -> None:
	"""Role permissions of the CRM roles on Contact and Address (as Custom DocPerms, idempotent)."""
	from frappe.permissions import add_permission, update_permission_property

	for doctype in DOCTYPES:
		for role in ALL_ROLES:
			if not frappe.db.exists("Role", role):
				continue
			if not frappe.db.exists("Custom DocPerm", {"parent": doctype, "role": role, "permlevel": 0}):
				add_permission(doctype, role, 0)
			writes = role not in SERVICE_ROLES
			for ptype, value in (("read", 1), ("write", int(writes)), ("create", int(writes))):
				update_permission_property(doctype, role, 0, ptype, value, validate=False)


def remove_permissions() -> None:
	frappe.db.delete("Custom DocPerm", {"parent": ("in", DOCTYPES), "role": ("in", ALL_ROLES)})
	for doctype in DOCTYPES:
		frappe.clear_cache(doctype=doctype)


def ensure_address_template() -> None:
	"""A default Address Template, which Frappe's setup wizard would create for the site's country.
	Without one, a customer with an address cannot open its form (Frappe renders every address)."""
	from frappe.contacts.doctype.address_template.address_template import get_default_address_template

	if frappe.db.exists("Address Template", {"is_default": 1}):
		return
	country = frappe.db.get_single_value("System Settings", "country") or "China"
	if not frappe.db.exists("Country", country):
		return
	if frappe.db.exists("Address Template", country):
		frappe.db.set_value("Address Template", country, "is_default", 1)
		return
	frappe.get_doc(
		{
			"doctype": "Address Template",
			"country": country,
			"is_default": 1,
			"template": get_default_address_template(),
		}
	).insert(ignore_permissions=True)


def load_address_and_contact(doc) -> None:
	"""The form's addresses and contacts (`__onload.addr_list`, `contact_list`): Frappe's lists, read only
	for a kind the record has links of. Frappe's list of either kind builds its permission condition from
	every DocType the user may read (all the user's DocPerm rows, 25 ms a list on every form load, issue
	23) even when no address or contact points at the record; such a list is empty, so it is not read."""
	from frappe.contacts.doctype.address.address import get_address_display_list
	from frappe.contacts.doctype.contact.contact import get_contact_display_list

	linked = set(
		frappe.get_all(
			"Dynamic Link",
			filters={"link_doctype": doc.doctype, "link_name": doc.name, "parenttype": ("in", DOCTYPES)},
			pluck="parenttype",
			distinct=True,
		)
	)
	doc.set_onload(
		"addr_list", get_address_display_list(doc.doctype, doc.name) if "Address" in linked else []
	)
	doc.set_onload(
		"contact_list", get_contact_display_list(doc.doctype, doc.name) if "Contact" in linked else []
	)
