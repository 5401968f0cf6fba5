"""People in the app's reports by name (issue 22: reps were listed by e-mail address).

`with_names` takes a script report's result and shows each person by full name: a column that links
to a User becomes a name column under the same label, and the user id stays in the rows as a hidden
Link column after it (labelled "User ID": not shown, not exported, there for a drill-down or a user
who picks it with the report's "Pick Columns"). User ids in the group columns it is told about (a
label, not a link) and in the chart's labels are replaced by names. The names are in the rows, so the
Excel/CSV export carries them, and only them."""

import frappe
from frappe import _


def full_names(users) -> dict[str, str]:
	"""{user: full name (the user id when the user has none)} of the given values that are users, in one
	query."""
	users = sorted({u for u in users if u and isinstance(u, str)})
	if not users:
		return {}
	found = dict(frappe.get_all("User", {"name": ("in", users)}, ["name", "full_name"], as_list=True))
	return {u: (found[u] or "").strip() or u for u in users if u in found}


def with_names(result, group_fields: tuple[str, ...] = ()):
	columns, rows, *rest = result
	links = [
		c["fieldname"]
		for c in columns
		if isinstance(c, dict) and c.get("fieldtype") == "Link" and c.get("options") == "User"
	]
	chart = rest[1] if len(rest) > 1 else None
	labels = (chart or {}).get("data", {}).get("labels") or []
	names = full_names(
		[r.get(f) for r in rows if isinstance(r, dict) for f in (*links, *group_fields)] + list(labels)
	)
	if not names:
		return result
	new_columns = []
	for c in columns:
		if isinstance(c, dict) and c.get("fieldname") in links:
			new_columns.append(
				{
					"fieldname": f"{c['fieldname']}_name",
					"label": c["label"],
					"fieldtype": "Data",
					"width": c.get("width") or 160,
				}
			)
			c = {**c, "label": _("User ID"), "width": min(c.get("width") or 180, 180), "hidden": 1}
		new_columns.append(c)
	for r in rows:
		if not isinstance(r, dict):
			continue
		for f in links:
			r[f"{f}_name"] = names.get(r.get(f)) or r.get(f)
		for f in group_fields:
			if r.get(f) in names:
				r[f] = names[r[f]]
	if chart and labels:
		chart["data"]["labels"] = [names.get(label, label) for label in labels]
	return (new_columns, rows, *rest)
