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


# ---------------------------------------------------------------- one Chinese term per concept

# A DocType whose Chinese name qualifies its concept: the term every other string uses.
CORE_TERMS = {"CRM Activity": "行动"}
# English strings that use a DocType's word in another sense (a visit type: the customer comes to us).
OTHER_SENSE = {"Customer Visits Us"}


def _plural(word: str) -> str:
	if word.endswith("y") and word[-2] not in "aeiou":
		return word[:-1] + "ies"
	return word + ("es" if word.endswith(("s", "x", "ch", "sh")) else "s")


def concept_terms() -> dict[str, tuple[str, str]]:
	"""{DocType: (its English concept, e.g. "Opportunity", its Chinese term)} from the catalogue."""
	from tests.translations import LOCALE, read_po

	zh = read_po(LOCALE / "zh.po")
	return {
		dt["name"]: (dt["name"].removeprefix("CRM "), CORE_TERMS.get(dt["name"]) or zh[dt["name"]])
		for dt in doctypes()
		if not dt.get("istable") and zh.get(dt["name"])
	}


def term_clashes(catalogue: dict[str, str], concepts: dict[str, tuple[str, str]], labels=()) -> list:
	"""(DocType, its term, English string, its translation) where a string naming the DocType's concept
	(singular or plural, as a word; not as part of a longer DocType's concept such as "Opportunity Stage")
	is translated without the DocType's Chinese term; `labels` are (label, DocType it links to) of the
	workspaces' shortcuts and links."""
	import re

	clashes = []
	for doctype, (concept, term) in concepts.items():
		longer = [c for c, _t in concepts.values() if c != concept and concept in c]
		pattern = re.compile(
			rf"(?<![A-Za-z])({re.escape(concept)}|{re.escape(_plural(concept))})(?![A-Za-z])"
		)
		for msgid, msgstr in catalogue.items():
			if not msgstr or msgid in OTHER_SENSE:
				continue
			text = msgid
			for c in longer:
				text = re.sub(rf"{re.escape(c)}|{re.escape(_plural(c))}", "", text)
			if pattern.search(text) and term not in msgstr:
				clashes.append((doctype, term, msgid, msgstr))
		for label, link_to in labels:
			if link_to == doctype and term not in (catalogue.get(label) or ""):
				clashes.append((doctype, term, label, catalogue.get(label)))
	return clashes


def workspace_labels() -> list[tuple[str, str]]:
	found = []
	for path in PACKAGE.glob("*/workspace/*/*.json"):
		data = json.loads(path.read_text())
		for group in ("shortcuts", "links"):
			found += [
				(item["label"], item["link_to"])
				for item in data.get(group, [])
				if item.get("label") and item.get("link_to") and item.get("type") != "Card Break"
			]
	return found


def test_one_chinese_term_per_doctype_across_the_catalogue_and_the_workspaces():
	from tests.translations import LOCALE, read_po

	clashes = term_clashes(read_po(LOCALE / "zh.po"), concept_terms(), workspace_labels())
	assert clashes == []


def test_a_second_term_for_a_doctype_is_caught():
	concepts = {
		"CRM Opportunity": ("Opportunity", "销售机会"),
		"CRM Opportunity Stage": ("Opportunity Stage", "阶段"),
	}
	catalogue = {
		"Opportunity": "销售机会",
		"Opportunities by Stage": "商机阶段看板",
		"Opportunity Stage": "阶段",
		"Deals": "商机",
	}
	clashes = term_clashes(catalogue, concepts, [("Deals", "CRM Opportunity")])
	assert [(c[0], c[2]) for c in clashes] == [
		("CRM Opportunity", "Opportunities by Stage"),
		("CRM Opportunity", "Deals"),
	]


# ---------------------------------------------------------------- the Chinese desk complete


def _zh():
	from tests.translations import LOCALE, read_po

	return read_po(LOCALE / "zh.po")


def test_workspace_headings_are_translated_as_the_desk_looks_them_up():
	# Frappe v15's header block translates __(escape_html(innerText)): "Reports &amp; Masters" stayed English.
	import re
	from html import unescape

	zh = _zh()
	missing = []
	for path in PACKAGE.glob("*/workspace/*/*.json"):
		for block in json.loads(json.loads(path.read_text())["content"]):
			if block["type"] == "header":
				text = unescape(re.sub(r"<[^>]+>", "", block["data"]["text"])).strip()
				key = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
				if not zh.get(key):
					missing.append(key)
	assert missing == []


def test_frappes_own_strings_on_the_apps_screens_are_translated():
	# Missing from Frappe v15's Chinese translations; the app's catalogue carries them.
	zh = _zh()
	for msgid in (
		"Connections",
		"Add {0}",
		"No {0} found with matching filters. Clear filters to see all {0}.",
		"List View",
		"Search or type a command ({0})",
	):
		assert zh.get(msgid), msgid


def test_the_activitys_labels_are_not_the_visits():
	# CRM Activity shared the label "Outcome" with the visit, so its section read 拜访结果 (visit outcome).
	zh = _zh()
	activity = next(dt for dt in doctypes() if dt["name"] == "CRM Activity")
	labels = {f["label"]: zh.get(f["label"]) for f in activity["fields"] if f.get("label")}
	assert {label: t for label, t in labels.items() if t and "拜访" in t} == {}
