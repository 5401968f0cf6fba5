"""Install, migrate and uninstall steps of CRM Plus. Every step is idempotent."""

import frappe
from frappe import _

from crm_plus.crm_sales.kanban import ensure_kanban_board
from crm_plus.domain.roles import ALL_ROLES
from crm_plus.indexes import ensure_indexes

ROLE_DESCRIPTIONS = {
	"CRM Sales User": "Sales rep / account manager: sees and edits only their own customers",
	"CRM Sales Manager": "Sales manager: sees the customers of their team and its sub-teams",
	"CRM Division Head": "Division head: sees the customers of their division",
	"CRM Service Agent": "Service agent: handles complaints and surveys for the customers served",
	"CRM Service Supervisor": "Service supervisor: first level of complaint escalation",
	"CRM Service Manager": "Service manager: second level of complaint escalation",
	"CRM Executive": "Executive: reads every customer and report of every division",
	"CRM Admin": "CRM administrator: configures grading, SLA policies, surveys and masters",
}


def after_install():
	"""A new site gets what every migrate keeps in place."""
	after_migrate()


def after_migrate():
	"""Every step idempotent: roles, desk formats, currency, assets link, default records, indexes, the
	Kanban board, compiled translations."""
	ensure_roles()
	ensure_desk_formats()
	ensure_currency()
	ensure_assets_link()
	ensure_defaults()
	ensure_indexes()
	ensure_kanban_board()
	ensure_user_titles()
	compile_translations()


def setup_wizard_complete(args=None):
	"""setup_wizard_complete hook: Frappe's setup wizard asks for the currency but, without ERPNext,
	keeps it nowhere; the app's amounts are in the currency chosen there."""
	ensure_currency((args or {}).get("currency"))


def ensure_currency(chosen: str | None = None):
	"""The site's default currency (the desk's `sysdefaults.currency`, `frappe.db.get_default`), which
	every Currency field and report column of the app is shown in: the setup wizard's choice, else the
	default already set, else the country's currency, else CNY (domain.money). The currency is enabled
	(the desk loads enabled currencies only) and given its symbol when the framework's data lacks it."""
	from frappe.geo.country_info import get_country_info

	from crm_plus.domain import money

	country = frappe.db.get_single_value("System Settings", "country")
	country_currency = (get_country_info(country) or {}).get("currency") if country else None
	currency = money.company_currency(
		chosen,
		frappe.db.get_default("currency"),
		country_currency,
		known=lambda name: bool(frappe.db.exists("Currency", name)),
	)
	if not frappe.db.exists("Currency", currency):  # a site whose currencies were never loaded
		frappe.get_doc({"doctype": "Currency", "currency_name": currency}).insert(ignore_permissions=True)
	stored = frappe.db.get_value("Currency", currency, ["enabled", "symbol"], as_dict=True)
	updates = {}
	if not stored.enabled:
		updates["enabled"] = 1
	if (symbol := money.symbol(currency, stored.symbol)) != stored.symbol:
		updates["symbol"] = symbol
	if updates:
		frappe.db.set_value("Currency", currency, updates, update_modified=False)
	if frappe.db.get_default("currency") != currency:
		frappe.db.set_default("currency", currency)
	frappe.cache.delete_key("bootinfo")


def ensure_assets_link(assets_path: str | None = None) -> str | None:
	"""Link the bench's `sites/assets/crm_plus` to the app's public folder when it is missing, as
	`bench build` does (frappe.build.make_asset_dirs). A bench that got the app with `bench get-app
	--skip-assets`, and never built since, otherwise answers 404 for the app's scripts: the public
	survey, complaint and feedback pages could not submit and the desk lost its seconds fix. A link or
	folder already there (a build's) is left alone. Returns the path linked, None when nothing was done."""
	import os

	assets_path = assets_path or os.path.join(frappe.local.sites_path, "assets")
	target = os.path.join(assets_path, "crm_plus")
	source = os.path.abspath(frappe.get_app_path("crm_plus", "public"))
	if os.path.exists(target) or not os.path.isdir(source):
		return None
	try:
		os.makedirs(assets_path, exist_ok=True)
		if os.path.islink(target):  # a broken link: the app moved
			os.unlink(target)
		os.symlink(source, target)
	except OSError as e:
		print(f"CRM Plus: could not link {target} to {source} ({e}); run `bench build --app crm_plus`")
		return None
	return target


def before_uninstall():
	from crm_plus.crm_customers.contacts import remove_permissions

	remove_permissions()
	remove_roles()
	frappe.db.delete("Property Setter", USER_TITLES)


USER_TITLES = {"doc_type": "User", "property": "show_title_field_in_link"}


def ensure_user_titles():
	"""A Link field to a User shows the person's name (Frappe's link titles; User's title field is
	`full_name`) on forms, lists and report filters. Set once: an admin who turns it off keeps it off.
	A title goes with a record only to who may read that record (the form's `_link_titles`; the list's
	join runs under the list's own row rule). A name alone is directory data among desk users in Frappe
	(User link search and @mentions list every enabled system user by name, before this setting too),
	so `get_link_title` on a User answers any desk user, as User search does (docs/SECURITY.md)."""
	if not frappe.db.exists("Property Setter", USER_TITLES):
		from frappe.custom.doctype.property_setter.property_setter import make_property_setter

		make_property_setter(
			"User",
			None,
			"show_title_field_in_link",
			"1",
			"Check",
			for_doctype=True,
			validate_fields_for_doctype=False,
		)
		frappe.clear_cache(doctype="User")


def ensure_roles():
	for role in ALL_ROLES:
		if frappe.db.exists("Role", role):
			continue
		frappe.get_doc(
			{
				"doctype": "Role",
				"role_name": role,
				"desk_access": 1,
				"description": ROLE_DESCRIPTIONS.get(role),
			}
		).insert(ignore_permissions=True)


# System Settings the desk formats every date, time and number with. The desk reads them from the
# site defaults (frappe.boot.sysdefaults), which System Settings keeps in step only when it is saved
# as a document; a site made without the setup wizard, or settings written straight to the table,
# can leave a format missing or the two apart.
DESK_FORMATS = ("date_format", "time_format", "number_format", "first_day_of_the_week")


def ensure_desk_formats():
	"""Each desk format has a value (an admin's own is kept, a missing one gets Frappe's default) and
	the site defaults the desk reads hold the same value."""
	meta = frappe.get_meta("System Settings")
	for fieldname in DESK_FORMATS:
		value = frappe.db.get_value("System Settings", None, fieldname)
		if not value:
			df = meta.get_field(fieldname)
			value = df.default or (df.options or "").split("\n")[0]
			frappe.db.set_single_value("System Settings", fieldname, value)
		if frappe.db.get_default(fieldname) != value:
			frappe.db.set_default(fieldname, value)
	frappe.cache.delete_value("system_settings")


def ensure_defaults():
	"""Default records the app needs (grades, masters); added only where missing, never overwritten."""
	ensure_settings_defaults()
	for hook in frappe.get_hooks("crm_plus_default_records"):
		frappe.get_attr(hook)()


def ensure_settings_defaults():
	"""Settings fields added by an update get their default once, where no value was ever stored."""
	stored = set(frappe.db.sql_list("select field from `tabSingles` where doctype = 'CRM Plus Settings'"))
	for df in frappe.get_meta("CRM Plus Settings").fields:
		if df.default is not None and df.fieldname not in stored:
			frappe.db.set_single_value("CRM Plus Settings", df.fieldname, df.default)


def remove_roles():
	for role in ALL_ROLES:
		if frappe.db.exists("Role", role):
			frappe.db.delete("Has Role", {"role": role})
			frappe.db.delete("Custom DocPerm", {"role": role})
			frappe.delete_doc("Role", role, force=True, ignore_permissions=True)


def compile_translations():
	"""Compile locale/*.po to the .mo files Frappe reads, so Chinese works without `bench build`."""
	try:
		from frappe.gettext.translate import compile_translations as compile_po

		compile_po("crm_plus", force=True)
		frappe.translate.clear_cache()
	except Exception:
		frappe.log_error(title=_("CRM Plus: compiling translations failed"))
