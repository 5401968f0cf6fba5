"""Find the app's translatable strings and read/write gettext catalogues, without frappe or babel.

Sources, as Frappe's own extractors see them:
- Python: _("...") calls (ast); JavaScript: __("...") calls; HTML/Jinja templates: _("...") calls.
- DocType JSON: the DocType name, field labels, descriptions and Select options.
- Report, workspace, number card and chart JSON: names, labels and titles.
- default_records.json files: the names and descriptions of shipped records.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

APP_ROOT = Path(__file__).resolve().parents[1]
PACKAGE = APP_ROOT / "crm_plus"
LOCALE = PACKAGE / "locale"

JS_CALL = re.compile(r"""__\(\s*(?P<q>["'`])(?P<text>(?:\\.|(?!(?P=q)).)*?)(?P=q)\s*[,)]""", re.S)
JINJA_CALL = re.compile(r"""_\(\s*(?P<q>["'])(?P<text>(?:\\.|(?!(?P=q)).)*?)(?P=q)\s*\)""", re.S)


def python_strings(path: Path) -> set[str]:
	found = set()
	for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
		if (
			isinstance(node, ast.Call)
			and isinstance(node.func, ast.Name)
			and node.func.id == "_"
			and node.args
			and isinstance(node.args[0], ast.Constant)
			and isinstance(node.args[0].value, str)
		):
			found.add(node.args[0].value)
	return found


def _unescape(text: str) -> str:
	return text.replace("\\'", "'").replace('\\"', '"').replace("\\n", "\n")


def js_strings(path: Path) -> set[str]:
	return {_unescape(m.group("text")) for m in JS_CALL.finditer(path.read_text())}


def template_strings(path: Path) -> set[str]:
	return {_unescape(m.group("text")) for m in JINJA_CALL.finditer(path.read_text())}


def doctype_strings(dt: dict) -> set[str]:
	found = {dt["name"]}
	if dt.get("description"):
		found.add(dt["description"])
	for f in dt.get("fields", []):
		for key in ("label", "description"):
			if f.get(key):
				found.add(f[key])
		if f.get("fieldtype") == "Select" and f.get("options"):
			found |= {o for o in f["options"].split("\n") if o.strip()}
	return found


def metadata_strings(path: Path, data: dict) -> set[str]:
	kind = path.parts[-3] if len(path.parts) >= 3 else ""
	if kind == "doctype":
		return doctype_strings(data)
	found = set()
	if kind == "report":
		found.add(data["name"])
	elif kind == "workspace":
		found.add(data.get("label") or data["name"])
		for group in ("links", "shortcuts", "number_cards", "charts"):
			found |= {item["label"] for item in data.get(group, []) if item.get("label")}
		found |= workspace_heading_strings(data)
	elif kind in ("number_card", "dashboard_chart"):
		found.add(data.get("label") or data.get("chart_name") or data["name"])
	return found


HTML_TAG = re.compile(r"<[^>]+>")


def _escape_html(text: str) -> str:
	"""As the desk's frappe.utils.escape_html: the key its workspace header looks its text up by."""
	for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#39;")):
		text = text.replace(char, entity)
	return text.replace("`", "&#x60;").replace("=", "&#x3D;")


def workspace_heading_strings(data: dict) -> set[str]:
	"""The texts of a workspace's header and paragraph blocks, as Frappe v15's header block translates
	them: `__(escape_html(innerText))`."""
	from html import unescape

	found = set()
	for block in json.loads(data.get("content") or "[]"):
		if block.get("type") in ("header", "paragraph") and block.get("data", {}).get("text"):
			text = unescape(HTML_TAG.sub("", block["data"]["text"])).strip()
			if text:
				found.add(_escape_html(text))
	return found


def framework_strings() -> set[str]:
	"""Frappe's own strings on the app's screens that Frappe v15 leaves untranslated in Chinese (or
	translates unidiomatically): the app translates them in its catalogue, one per line of
	locale/framework_strings.txt (Frappe merges the app's translations over its own)."""
	path = LOCALE / "framework_strings.txt"
	if not path.exists():
		return set()
	return {line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()}


TRANSLATED_RECORD_KEYS = ("description", "question", "section", "introduction", "thank_you")


def record_strings(records) -> set[str]:
	"""Names, descriptions and texts of the records the app ships (grades, categories, survey templates),
	child rows included; the choices of a question one per line."""
	found = set()
	if isinstance(records, dict):
		for key, value in records.items():
			if isinstance(value, str) and (key.endswith("_name") or key in TRANSLATED_RECORD_KEYS):
				found.add(value)
			elif isinstance(value, str) and key == "options":
				found |= {o.strip() for o in value.split("\n") if o.strip()}
			elif isinstance(value, list | dict):
				found |= record_strings(value)
	elif isinstance(records, list):
		for item in records:
			found |= record_strings(item)
	return found


def app_strings(package: Path = PACKAGE) -> set[str]:
	found: set[str] = set()
	for path in package.rglob("*"):
		rel = path.relative_to(package)
		if "tests" in rel.parts or "node_modules" in rel.parts or not path.is_file():
			continue
		if path.suffix == ".py":
			found |= python_strings(path)
		elif path.suffix in (".js", ".vue"):
			found |= js_strings(path)
		elif path.suffix == ".html":
			found |= template_strings(path) | js_strings(path)
		elif path.suffix == ".json" and path.stem == path.parent.name:
			found |= metadata_strings(rel, json.loads(path.read_text()))
		elif path.name == "default_records.json":
			found |= record_strings(json.loads(path.read_text()))
	found |= framework_strings() if package == PACKAGE else set()
	return {s for s in found if s.strip() and not s.strip().isdigit()}


# ---------------------------------------------------------------- minimal PO files


def _po_quote(text: str) -> str:
	escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
	lines = escaped.split("\n")
	if len(lines) == 1:
		return f'"{escaped}"'
	parts = [line + "\\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
	return '""\n' + "\n".join(f'"{p}"' for p in parts)


def _po_unquote(chunks: list[str]) -> str:
	text = "".join(c[1:-1] for c in chunks)
	out, i = [], 0
	while i < len(text):
		if text[i] == "\\" and i + 1 < len(text):
			out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(text[i + 1], text[i + 1]))
			i += 2
		else:
			out.append(text[i])
			i += 1
	return "".join(out)


def read_po(path: Path) -> dict[str, str]:
	"""msgid -> msgstr (the header entry left out)."""
	entries: dict[str, str] = {}
	msgid: list[str] | None = None
	msgstr: list[str] | None = None
	current = None

	def flush():
		if msgid is not None and msgstr is not None:
			key = _po_unquote(msgid)
			if key:
				entries[key] = _po_unquote(msgstr)

	for raw in path.read_text(encoding="utf-8").splitlines():
		line = raw.strip()
		if line.startswith("msgid "):
			flush()
			msgid, msgstr, current = [line[6:]], None, "id"
		elif line.startswith("msgstr "):
			msgstr, current = [line[7:]], "str"
		elif line.startswith('"'):
			(msgid if current == "id" else msgstr).append(line)
		elif not line or line.startswith("#"):
			current = None if not line else current
	flush()
	return entries


def write_po(path: Path, entries: dict[str, str], language: str | None) -> None:
	header = [
		"# CRM Plus translations" + (f" ({language})" if language else " template"),
		'msgid ""',
		'msgstr ""',
		'"Project-Id-Version: crm_plus\\n"',
		'"Content-Type: text/plain; charset=UTF-8\\n"',
		'"Content-Transfer-Encoding: 8bit\\n"',
	]
	if language:
		header.append(f'"Language: {language}\\n"')
	body = [f"msgid {_po_quote(k)}\nmsgstr {_po_quote(v)}" for k, v in sorted(entries.items())]
	path.write_text("\n".join(header) + "\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")
