"""The Chinese catalogue is complete: every translatable string of the app has a translation."""

import re

from tests.translations import LOCALE, app_strings, js_strings, python_strings, read_po, write_po

PLACEHOLDER = re.compile(r"\{\d*\}")


def test_every_string_has_a_chinese_translation():
	zh = read_po(LOCALE / "zh.po")
	missing = sorted(s for s in app_strings() if not zh.get(s))
	assert missing == [], (
		f"{len(missing)} strings lack a Chinese translation (run scripts/i18n.py): {missing[:20]}"
	)


def test_the_template_lists_the_current_strings():
	assert set(read_po(LOCALE / "main.pot")) == app_strings(), "run scripts/i18n.py to refresh main.pot"


def test_translations_keep_their_placeholders():
	zh = read_po(LOCALE / "zh.po")
	wrong = [
		s for s, t in zh.items() if t and sorted(PLACEHOLDER.findall(s)) != sorted(PLACEHOLDER.findall(t))
	]
	assert wrong == []


def test_extractors_find_strings_in_each_kind_of_source(tmp_path):
	py = tmp_path / "a.py"
	py.write_text('from frappe import _\nx = _("Hello {0}").format(1)\ny = _(name)\nz = f"not {_}"\n')
	assert python_strings(py) == {"Hello {0}"}
	js = tmp_path / "a.js"
	js.write_text("frappe.msgprint(__(\"Saved\"));\nconst t = __('It\\'s {0}', [x]);\n__(`Tmpl`)\n")
	assert js_strings(js) == {"Saved", "It's {0}", "Tmpl"}


def test_a_missing_translation_is_caught(tmp_path):
	po = tmp_path / "zh.po"
	write_po(po, {"Customer": "客户", "Grade": "", 'Say "hi"\nthen': "说“嗨”\n然后"}, "zh")
	entries = read_po(po)
	assert entries == {"Customer": "客户", "Grade": "", 'Say "hi"\nthen': "说“嗨”\n然后"}
	assert sorted(s for s in entries if not entries[s]) == ["Grade"]
