# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt
"""Inactive staff (seed 001: staff who have not logged in for two weeks): enabled users with a CRM role
whose last login and last activity are older than N days (default 14), among the staff the viewer
manages (their teams' members; every CRM user for executives). Managers and above only: a rep does not
get this report (its roles), and a viewer who manages no one sees no one but themselves."""

import frappe
from frappe import _
from frappe.utils import add_days, now_datetime

from crm_plus.domain import funnel
from crm_plus.domain.roles import ALL_ROLES
from crm_plus.report_columns import column
from crm_plus.report_people import with_names
from crm_plus.report_scope import viewer_unrestricted
from crm_plus.security.scope import get_scope, reps_of

DEFAULT_DAYS = 14
MESSAGES = {
	"not_a_number": lambda: _("The number of days must be a whole number"),
	"out_of_range": lambda: _("The number of days must be between 1 and 3650"),
}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	days = DEFAULT_DAYS if filters.get("days") in (None, "") else filters.days
	if code := funnel.inactivity_days_error(days):
		frappe.throw(MESSAGES[code]())
	days = int(days)
	now = now_datetime()
	cutoff = add_days(now, -days)
	args = {
		"cutoff": cutoff,
		"cutoff_text": cutoff.strftime("%Y-%m-%d %H:%M:%S"),
		"roles": [r for r in ALL_ROLES if r.startswith("CRM ")],
	}
	conditions = []
	if not viewer_unrestricted():
		staff = sorted(reps_of(get_scope()))
		conditions.append(f"u.name in ({', '.join(frappe.db.escape(u) for u in staff)})")
	if filters.get("sales_team") or filters.get("division"):
		team = []
		if filters.get("sales_team"):
			team.append(f"t.name = {frappe.db.escape(filters.sales_team)}")
		if filters.get("division"):
			team.append(f"t.division = {frappe.db.escape(filters.division)}")
		conditions.append(
			f"""u.name in (select m.user from `tabCRM Sales Team Member` m
			join `tabCRM Sales Team` t on t.name = m.parent
			where m.parenttype = 'CRM Sales Team' and {" and ".join(team)})"""
		)
	rows = frappe.db.sql(
		f"""select u.name as user, u.last_login, u.last_active,
			(select group_concat(r.role order by r.role separator ', ') from `tabHas Role` r
				where r.parent = u.name and r.parenttype = 'User' and r.role in %(roles)s) as roles
		from `tabUser` u
		where u.enabled = 1 and u.user_type = 'System User'
			and exists(select 1 from `tabHas Role` r where r.parent = u.name and r.parenttype = 'User'
				and r.role in %(roles)s)
			and (u.last_active is null or u.last_active < %(cutoff)s)
			and (u.last_login is null or u.last_login = '' or u.last_login < %(cutoff_text)s)
			and {" and ".join(conditions) or "1=1"}
		order by u.last_active is not null, u.last_active, u.name""",
		args,
		as_dict=True,
	)
	labels = role_labels()
	for r in rows:
		r.days_inactive = funnel.days_inactive(r.last_active, now)
		r.roles = ", ".join(labels.get(role, role) for role in (r.roles or "").split(", ") if role)
	return with_names((columns(), rows, None, chart(rows, days)))


def role_labels() -> dict[str, str]:
	"""The app's roles as the viewer reads them."""
	return {
		"CRM Sales User": _("CRM Sales User"),
		"CRM Sales Manager": _("CRM Sales Manager"),
		"CRM Division Head": _("CRM Division Head"),
		"CRM Service Agent": _("CRM Service Agent"),
		"CRM Service Supervisor": _("CRM Service Supervisor"),
		"CRM Service Manager": _("CRM Service Manager"),
		"CRM Executive": _("CRM Executive"),
		"CRM Admin": _("CRM Admin"),
	}


def chart(rows, days) -> dict:
	never = sum(1 for r in rows if r.days_inactive is None)
	return {
		"data": {
			"labels": [_("Never Seen"), _("Not Seen for More Than {0} Days").format(days)],
			"datasets": [{"name": _("Inactive Staff"), "values": [never, len(rows) - never]}],
		},
		"type": "bar",
	}


def columns():
	return [
		column("user", _("Staff"), "Link", 160, "User"),
		column("roles", _("Roles"), "Data", 220),
		column("last_login", _("Last Login"), "Data", 160),
		column("last_active", _("Last Active"), "Datetime", 160),
		column("days_inactive", _("Days Inactive"), "Int", 110),
	]
