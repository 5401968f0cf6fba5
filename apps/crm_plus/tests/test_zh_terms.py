"""One Chinese term per concept (issue 22): the catalogue must not call one thing by two names, and a
workspace's shortcut or link to a DocType, or a report on it, must use the DocType's own Chinese name
(the desk once showed 商机 on the shortcut and 销售机会 on the form)."""

import json
import re

from tests.translations import LOCALE, PACKAGE, read_po

ZH = read_po(LOCALE / "zh.po")

# (what the English says, the one Chinese term, the other words once used for it)
TERMS = [
	(r"\bopportunit", "销售机会", ("商机",)),
	(r"\bcomplaint", "投诉", ("客诉",)),
	(r"\bvisit", "拜访", ("走访", "访问")),
	(r"\bsurvey", "调查", ("问卷",)),
	(r"\breps?\b|\bsales ?person", "销售人员", ("销售代表", "销售员")),
	(r"\bsales managers?\b", "销售经理", ("销售主管",)),
	(r"(?<!bank )\btransfer", "分配", ("转移", "移交")),
	(r"\bleads?\b", "线索", ("潜在客户",)),
	(r"\bactivit", "行动", ("活动",)),
	(r"\bdivision", "版块", ("事业部",)),
]


def test_one_chinese_term_per_concept():
	found = []
	for pattern, term, others in TERMS:
		for english, chinese in ZH.items():
			if re.search(pattern, english, re.I) and any(o in chinese for o in others):
				found.append(f"{english!r} -> {chinese!r}: the term is {term}")
	assert not found, "\n".join(found)


def _json(kind):
	for path in sorted(PACKAGE.glob(f"*/{kind}/*/*.json")):
		yield json.loads(path.read_text())


def test_workspace_links_and_shortcuts_use_the_doctypes_chinese_name():
	found = []
	for workspace in _json("workspace"):
		items = [s for s in workspace.get("shortcuts", []) if s.get("type") == "DocType"]
		items += [link for link in workspace.get("links", []) if link.get("link_type") == "DocType"]
		for item in items:
			doctype = ZH.get(item["link_to"])
			label = ZH.get(item["label"])
			if doctype and label and doctype not in label:
				found.append(f"{workspace['name']}: {item['label']!r} is {label}, {item['link_to']} is {doctype}")
	assert not found, "\n".join(found)
