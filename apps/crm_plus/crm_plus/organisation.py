"""The organisation tree on the Frappe side: who manages whom (CRM Sales Team is a nested set)."""

import frappe
from frappe import _


def team_manager(team: str | None) -> str | None:
	"""The manager of a team, or of the nearest team above it that has one (the reports-to line)."""
	if not team:
		return None
	bounds = frappe.db.get_value("CRM Sales Team", team, ["lft", "rgt"], as_dict=True)
	if not bounds:
		return None
	t = frappe.qb.DocType("CRM Sales Team")
	found = (
		frappe.qb.from_(t)
		.select(t.manager)
		.where((t.lft <= bounds.lft) & (t.rgt >= bounds.rgt) & t.manager.isnotnull() & (t.manager != ""))
		.orderby(t.lft, order=frappe.qb.desc)
		.limit(1)
		.run()
	)
	return found[0][0] if found else None


def teams_of(user: str) -> tuple[list[str], list[str]]:
	"""(teams the user is a member of, teams the user manages)."""
	member_of = frappe.get_all(
		"CRM Sales Team Member", {"parenttype": "CRM Sales Team", "user": user}, pluck="parent"
	)
	managed = frappe.get_all("CRM Sales Team", {"manager": user}, pluck="name")
	return member_of, managed


def fill_sales_team(doc) -> None:
	"""validate of CRM Customer, Lead and Opportunity (before the division is taken from the team): a
	record saved without a team gets its owner's only team; an owner in several teams must choose one
	(domain.placement), so a record is never saved where the owner's manager and division cannot see it.
	When the record is new, changes owner or loses its team (clearing the team would hide a record
	from the owner's manager and division as surely as never setting it); a transfer keeps what it
	moves as it is."""
	from crm_plus.domain import placement

	owner = doc.get("account_manager")
	if doc.get("sales_team") or not owner or doc.get("in_pool"):
		return
	before = None if doc.is_new() else doc.get_doc_before_save()
	if before and not (before.get("account_manager") != owner or before.get("sales_team")):
		return  # neither a new owner nor a team taken away
	member_of, managed = teams_of(owner)
	division = doc.get("division")
	division_of = dict(
		frappe.get_all(
			"CRM Sales Team",
			{"name": ("in", sorted(set(member_of) | set(managed)) or [""])},
			["name", "division"],
			as_list=True,
		)
	)
	team, outcome = placement.default_team(member_of, managed, division, division_of)
	if outcome == placement.FILLED:
		doc.sales_team = team
	elif outcome == placement.CHOOSE and not frappe.flags.crm_plus_transfer:
		teams = sorted(set(member_of) or set(managed))
		if division:
			teams = [t for t in teams if division_of.get(t) == division] or teams
		frappe.throw(
			_("{0} belongs to several sales teams ({1}): choose the Sales Team of this {2}").format(
				frappe.utils.get_fullname(owner), ", ".join(teams), _(doc.doctype)
			),
			frappe.MandatoryError,
			title=_("Choose a sales team"),
		)


def set_division_from_team(doc) -> None:
	"""validate of CRM Customer, Lead and Opportunity: the owner's default team where none is given
	(`fill_sales_team`), then the division of the team."""
	fill_sales_team(doc)
	if doc.sales_team:
		doc.division = frappe.db.get_value("CRM Sales Team", doc.sales_team, "division") or doc.division


@frappe.whitelist()
def my_teams() -> list[str]:
	"""The teams a new record of the session user goes to by default (the form offers these):
	those the user is a member of, else those the user manages."""
	member_of, managed = teams_of(frappe.session.user)
	return sorted(set(member_of) or set(managed))
