"""The organisation tree on the Frappe side: who manages whom (CRM Sales Team is a nested set)."""

import frappe


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
