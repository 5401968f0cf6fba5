"""A Link field to a User shows the person's name (User shows its title in links: install.ensure_user_titles),
so a form's grid must not show a row's name twice: a field fetched from a User link's full name stays out
of the grid (it is still in the row, for reports and exports)."""

import json

from tests.translations import PACKAGE


def test_no_grid_shows_a_users_name_beside_the_user_link():
	found = []
	for path in sorted(PACKAGE.glob("*/doctype/*/*.json")):
		doctype = json.loads(path.read_text())
		if not doctype.get("istable"):
			continue
		users = {
			f["fieldname"]
			for f in doctype.get("fields", [])
			if f.get("fieldtype") == "Link" and f.get("options") == "User" and f.get("in_list_view")
		}
		for f in doctype.get("fields", []):
			source = (f.get("fetch_from") or "").split(".")
			if f.get("in_list_view") and len(source) == 2 and source[0] in users and source[1] == "full_name":
				found.append(f"{doctype['name']}.{f['fieldname']}")
	assert not found, found
