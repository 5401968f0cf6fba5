"""The desk a newcomer meets on a phone and in Chinese (issue 22), checked on the app's metadata."""

import json

from tests.conftest import APP_ROOT

PACKAGE = APP_ROOT / "crm_plus"
MAX_STANDARD_FILTERS = 4


def doctypes():
	for path in sorted(PACKAGE.glob("*/doctype/*/*.json")):
		if path.stem == path.parent.name:
			yield json.loads(path.read_text())


def test_each_list_opens_on_rows_with_a_few_standard_filters():
	# Each standard filter is a box above the list; on a 375px phone eleven of them filled the screen.
	crowded = {
		dt["name"]: n
		for dt in doctypes()
		if (n := sum(1 for f in dt["fields"] if f.get("in_standard_filter"))) > MAX_STANDARD_FILTERS
	}
	assert crowded == {}
