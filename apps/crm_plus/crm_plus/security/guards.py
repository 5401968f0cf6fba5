"""Write guards (validate hooks) of the shell: a record is written only where its user may put it,
linked only to what its user may read or edit, and never reaches past its parent."""

import frappe
from frappe import _

from crm_plus.domain import activities, composed
from crm_plus.domain.roles import ADMINISTRATOR, OWNER_CHANGE_ROLES
from crm_plus.security.conditions import CHILD_TABLES, ruled_record_types
from crm_plus.security.scope import (
	CUSTOMER,
	get_scope,
	is_framework_admin,
	placeable_teams,
	reps_of,
	unrestricted,
)


def check_customer_access(customer: str, ptype: str = "read", user: str | None = None) -> None:
	"""Throw a translated PermissionError unless the user may `ptype` the customer."""
	if not customer:
		return
	if not frappe.has_permission(CUSTOMER, ptype, customer, user=user):
		frappe.throw(
			_("You are not permitted to access the customer {0}").format(
				frappe.bold(composed.escape(customer))
			),
			frappe.PermissionError,
		)


def require(doctype: str, ptype: str, name: str, message: str, user: str | None = None) -> None:
	"""Throw `message` (translated; {0} the DocType, {1} the record) as a PermissionError unless the user
	may `ptype` the record."""
	if not frappe.has_permission(doctype, ptype, name, user=user):
		frappe.throw(message.format(_(doctype), name), frappe.PermissionError)


# Records that may point at a customer the user only reads: service staff log complaints and enter
# survey answers for the customers of the divisions they serve. Everything else needs write.
READ_LINKED = frozenset({"CRM Complaint", "CRM Survey Invitation", "CRM Survey Response"})


def check_customer_link(doc, method=None) -> None:
	"""validate hook of records that belong to a customer: a new record, or one moved to another
	customer, needs the user's access to the customer it now points at (the stored one is checked by
	has_permission). System writes (`ignore_permissions`) and installs are not checked."""
	if doc.flags.ignore_permissions or frappe.flags.in_install or frappe.flags.in_migrate:
		return
	if not doc.get("customer") or not (doc.is_new() or doc.has_value_changed("customer")):
		return
	check_customer_access(doc.customer, "read" if doc.doctype in READ_LINKED else "write")


def check_contact_links(doc, method=None) -> None:
	"""A contact can only be linked to customers the user may edit."""
	for link in doc.get("links") or []:
		if link.link_doctype == CUSTOMER and link.link_name:
			check_customer_access(link.link_name, "write")


def check_activity_target(doc, method=None) -> None:
	"""validate of CRM Activity: an activity is logged only against a record the user may edit."""
	if doc.flags.ignore_permissions or frappe.flags.in_install or frappe.flags.in_migrate:
		return
	fields = list(activities.TARGET_FIELDS.values())
	if not doc.is_new() and not any(doc.has_value_changed(f) for f in fields):
		return
	found = activities.target(doc.as_dict())
	if found:
		require(
			found[0], "write", found[1], _("You may only log activities against {0} {1} if you may edit it")
		)


def check_assignment(doc, method=None) -> None:
	"""validate hook of ToDo. An open assignment on one of the app's records grants its assignee access
	(a rep's assigned customers; a complaint's handler), so only a user who may edit the record may
	make one: a ToDo that assigns a record to yourself, or `assign_to.add` (which checks only read),
	grants nothing the assigner does not have. Guests never reach ToDo; their requests only get here
	through the app's own system writes (a survey's follow-up complaint and its assignment rule)."""
	if frappe.flags.in_install or frappe.flags.in_migrate or frappe.session.user == "Guest":
		return
	if not doc.reference_type or not doc.reference_name:
		return
	if doc.reference_type not in frappe.get_hooks("permission_query_conditions"):
		return
	# A new ToDo, even a closed one (it writes "assigned" on the record's timeline), and one re-pointed,
	# re-assigned or re-opened.
	repointed = not doc.is_new() and any(
		doc.has_value_changed(f) for f in ("reference_type", "reference_name")
	)
	granting = (
		doc.is_new()
		or repointed  # even a closed ToDo: its form shows the record's title
		or (doc.status == "Open" and any(doc.has_value_changed(f) for f in ("allocated_to", "status")))
	)
	if not granting or unrestricted():
		return
	require(
		doc.reference_type, "write", doc.reference_name, _("You may only assign {0} {1} if you may edit it")
	)


def refuse_standalone_row(doc, method=None) -> None:
	"""validate of the app's child tables. Runs only when a row is inserted or saved on its own (rows
	saved with their parent run no hooks): rows are written with their parent, which checks them."""
	if doc.flags.ignore_permissions or frappe.flags.in_install or frappe.flags.in_migrate:
		return
	if frappe.session.user == ADMINISTRATOR:
		return
	frappe.throw(
		_("Rows of {0} are saved with their {1}").format(
			_(doc.doctype), _(CHILD_TABLES.get(doc.doctype, ""))
		),
		frappe.PermissionError,
	)


def check_rows_belong(doc, method=None) -> None:
	"""validate of the parents of the app's child tables: a row sent with an existing row's name must be
	a row of this record. Frappe updates a row by its name alone, so a row of another record named in
	a save would be moved here and overwritten."""
	for df in doc.meta.get_table_fields():
		names = [d.name for d in doc.get(df.fieldname) if d.name and not d.get("__islocal")]
		if not names:
			continue
		foreign = frappe.get_all(
			df.options,
			filters={"name": ("in", names), "parent": ("!=", doc.name or "")},
			pluck="name",
		)
		if foreign:
			frappe.throw(
				_("Row {0} does not belong to {1}").format(foreign[0], doc.name), frappe.PermissionError
			)


def check_attachment(doc, method=None) -> None:
	"""validate of File. A file attached to one of the app's records is private and needs the right to
	edit the record; a file record that points at an existing private file needs the right to read
	one of the records already holding it (otherwise a new File row with the same URL would hand
	its owner another division's file)."""
	if frappe.flags.in_install or frappe.flags.in_migrate or frappe.session.user == ADMINISTRATOR:
		return
	if doc.attached_to_doctype in ruled_record_types():
		doc.is_private = 1
		attaching = doc.is_new() or doc.has_value_changed("attached_to_name")
		if attaching and doc.attached_to_name and not doc.flags.ignore_permissions:
			if not unrestricted():
				require(
					doc.attached_to_doctype,
					"write",
					doc.attached_to_name,
					_("You may only attach files to {0} {1} if you may edit it"),
				)
	# Checked even for system writes: Frappe's add_attachments copies a file by name with ignore_permissions.
	url = doc.file_url or ""
	if url.startswith("/private/") and (doc.is_new() or doc.has_value_changed("file_url")):
		holders = frappe.get_all(
			"File", filters={"file_url": url, "name": ("!=", doc.name or "")}, pluck="name"
		)
		readable = (frappe.has_permission("File", "read", holder) for holder in holders)
		if holders and not any(readable):
			frappe.clear_messages()  # Frappe's check names the record holding the file
			frappe.throw(_("File {0} not found").format(composed.escape(url)), frappe.PermissionError)


def check_event_participants(doc, method=None) -> None:
	"""validate of Event: a participant that is one of the app's records must be readable (Frappe
	looks up and shows the participant's contact email)."""
	for row in doc.get("event_participants") or []:
		if row.reference_doctype in ruled_record_types() and row.reference_docname:
			require(
				row.reference_doctype,
				"read",
				row.reference_docname,
				_("You are not permitted to access {0} {1}"),
			)


def mask_version(doc, method=None) -> None:
	"""before_insert of Version: changes of fields at a permission level above 0 (ID numbers, personal
	mobiles) are kept without their values, so that the history does not show them to a user who may
	read the record but not those fields."""
	if doc.ref_doctype not in ruled_record_types() or not doc.data:
		return
	hidden = {df.fieldname for df in frappe.get_meta(doc.ref_doctype).fields if df.permlevel == 1}
	data = frappe.parse_json(doc.data)
	changed = data.get("changed") or []
	if hidden and any(row[0] in hidden for row in changed):
		data["changed"] = [[row[0], "***", "***"] if row[0] in hidden else row for row in changed]
		doc.data = frappe.as_json(data, indent=None)


# ---------------------------------------------------------------- who puts a record where, and gives it away


def check_owner_change(doc) -> None:
	"""validate of CRM Customer, Lead and Opportunity (from their controllers): only a manager gives a
	record to another rep; a transfer of a departing rep's records (crm_plus.crm_customers.transfer)
	moves them too. Where the new owner may be put is check_placement's."""
	if doc.is_new() or not doc.has_value_changed("account_manager"):
		return
	if frappe.flags.crm_plus_transfer or set(frappe.get_roles()) & OWNER_CHANGE_ROLES:
		return
	if doc.doctype == CUSTOMER:
		frappe.throw(
			_("Only a sales manager can change the account manager. Use a Customer Transfer."),
			frappe.PermissionError,
		)
	frappe.throw(
		_("Only a sales manager can change the owner of {0}").format(_(doc.doctype)), frappe.PermissionError
	)


def check_placement(doc, method=None) -> None:
	"""validate of CRM Customer, Lead and Opportunity: a record goes only where its user may put it.

	Its owner is the user or a rep of the user's teams; its team one the user belongs to or manages;
	its division (without a team) one of the user's. Otherwise a rep could drop records into another
	division's lists, or a manager hand them to another division's rep."""
	if doc.flags.ignore_permissions or frappe.flags.in_install or frappe.flags.crm_plus_transfer:
		return
	if unrestricted():
		return
	scope = get_scope()
	new = doc.is_new()
	if doc.get("account_manager") and (new or doc.has_value_changed("account_manager")):
		if doc.account_manager not in reps_of(scope):
			frappe.throw(
				_("You may only give {0} to yourself or a rep of your teams").format(_(doc.doctype)),
				frappe.PermissionError,
			)
	if doc.sales_team and (new or doc.has_value_changed("sales_team")):
		if doc.sales_team not in placeable_teams(scope):
			if doc.doctype == CUSTOMER:
				frappe.throw(
					_("You may only put a customer in a sales team you belong to or manage"),
					frappe.PermissionError,
				)
			frappe.throw(
				_("You may only put {0} in a sales team you belong to or manage").format(_(doc.doctype)),
				frappe.PermissionError,
			)
	if doc.get("division") and (new or doc.has_value_changed("division")):
		teams = placeable_teams(scope)
		divisions = set(scope.divisions) | set(
			frappe.get_all("CRM Sales Team", {"name": ("in", sorted(teams) or [""])}, pluck="division")
		)
		if doc.division not in divisions:
			frappe.throw(
				_("You may only put {0} in your own division").format(_(doc.doctype)), frappe.PermissionError
			)


def check_follow(doc, method=None) -> None:
	"""validate of Document Follow: the follower must be able to read the record (the follow digest
	mails its changes and comments, read without permission checks), and one follows for oneself."""
	if doc.ref_doctype not in ruled_record_types() or frappe.flags.in_install:
		return
	if doc.user != frappe.session.user and not is_framework_admin():
		frappe.throw(_("You may only follow documents for yourself"), frappe.PermissionError)
	require(
		doc.ref_doctype, "read", doc.ref_docname, _("You are not permitted to access {0} {1}"), user=doc.user
	)
