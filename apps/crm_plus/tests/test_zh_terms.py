"""One Chinese term per concept (issue 22): the catalogue's messages must not call one thing by two names
(a DocType's name against its workspace labels is test_desk_metadata's
test_one_chinese_term_per_doctype_across_the_catalogue_and_the_workspaces)."""

import re

from tests.translations import LOCALE, read_po

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
