"""Static checks of the app's Frappe metadata (DocType, report, workspace, card, chart, fixture JSON).

Each check takes plain data (parsed JSON) and returns a list of problems as strings; an empty list
means the metadata is sound. The checks run over the real app in test_metadata.py and over broken
samples there too, so that each one is shown to catch what it is meant to catch. No frappe import.
"""

from __future__ import annotations

import ast
import json
import keyword
import re
from dataclasses import dataclass, field
from pathlib import Path

APP_ROOT = Path(__file__).resolve().parents[1]
PACKAGE = APP_ROOT / "crm_plus"

# Frappe v15's DocField fieldtype options, as the DocField DocType lists them.
FIELDTYPES = frozenset(
	[
		"Autocomplete",
		"Attach",
		"Attach Image",
		"Barcode",
		"Button",
		"Check",
		"Code",
		"Color",
		"Column Break",
		"Currency",
		"Data",
		"Date",
		"Datetime",
		"Duration",
		"Dynamic Link",
		"Float",
		"Fold",
		"Geolocation",
		"Heading",
		"HTML",
		"HTML Editor",
		"Icon",
		"Image",
		"Int",
		"JSON",
		"Link",
		"Long Text",
		"Markdown Editor",
		"Password",
		"Percent",
		"Phone",
		"Read Only",
		"Rating",
		"Section Break",
		"Select",
		"Signature",
		"Small Text",
		"Tab Break",
		"Table",
		"Table MultiSelect",
		"Text",
		"Text Editor",
		"Time",
	]
)
NO_VALUE_FIELDTYPES = frozenset(
	["Section Break", "Column Break", "Tab Break", "HTML", "Button", "Image", "Fold", "Heading"]
)
# Fieldnames Frappe reserves for itself (default, child and optional columns, and controller attributes).
RESERVED_FIELDNAMES = frozenset(
	[
		"doctype",
		"name",
		"owner",
		"creation",
		"modified",
		"modified_by",
		"docstatus",
		"idx",
		"parent",
		"parentfield",
		"parenttype",
		"_user_tags",
		"_comments",
		"_assign",
		"_liked_by",
		"_seen",
		"file_list",
		"flags",
		"meta",
		"parent_doc",
		"permitted_fieldnames",
		"dont_update_if_missing",
	]
)
FIELDNAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
REPORT_TYPES = frozenset(["Script Report", "Query Report", "Report Builder", "Custom Report"])
STANDARD_ROLES = frozenset(["Administrator", "System Manager", "All", "Guest", "Desk User"])
PERM_FLAGS = (
	"read",
	"write",
	"create",
	"delete",
	"submit",
	"cancel",
	"amend",
	"report",
	"export",
	"import",
	"share",
	"print",
	"email",
	"select",
	"if_owner",
)


def frappe_doctypes() -> frozenset[str]:
	path = Path(__file__).with_name("frappe_v15_doctypes.txt")
	return frozenset(
		line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")
	)


def app_roles() -> frozenset[str]:
	"""The roles the app creates on install, read from crm_plus/domain/roles.py without importing frappe."""
	tree = ast.parse((PACKAGE / "domain" / "roles.py").read_text())
	for node in tree.body:
		if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "ALL_ROLES" for t in node.targets):
			return frozenset(ast.literal_eval(node.value))
	raise AssertionError("crm_plus/domain/roles.py defines no ALL_ROLES")


@dataclass
class AppMetadata:
	"""Every metadata document of the app, by kind, as parsed JSON keyed by file path."""

	doctypes: dict[str, dict] = field(default_factory=dict)
	reports: dict[str, dict] = field(default_factory=dict)
	workspaces: dict[str, dict] = field(default_factory=dict)
	number_cards: dict[str, dict] = field(default_factory=dict)
	charts: dict[str, dict] = field(default_factory=dict)
	fixtures: dict[str, list] = field(default_factory=dict)
	modules: list[str] = field(default_factory=list)
	indexes: dict[str, list] = field(default_factory=dict)  # crm_plus/indexes.py INDEXES

	@property
	def doctype_names(self) -> set[str]:
		return {d["name"] for d in self.doctypes.values()}

	def known_doctypes(self) -> set[str]:
		return self.doctype_names | set(frappe_doctypes())

	def roles(self) -> set[str]:
		return set(app_roles()) | set(STANDARD_ROLES)


def _kind_of(path: Path) -> str | None:
	parts = path.parts
	if "fixtures" in parts:
		return "fixtures"
	if len(parts) >= 3 and path.stem == parts[-2]:
		return {
			"doctype": "doctypes",
			"report": "reports",
			"workspace": "workspaces",
			"number_card": "number_cards",
			"dashboard_chart": "charts",
		}.get(parts[-3])
	return None


def load_app(package: Path = PACKAGE) -> AppMetadata:
	meta = AppMetadata()
	meta.modules = [m.strip() for m in (package / "modules.txt").read_text().splitlines() if m.strip()]
	for path in sorted(package.rglob("*.json")):
		if path.name == "default_records.json":
			records = json.loads(path.read_text())
			rows = [{"doctype": dt, **row} for dt, dt_rows in records.items() for row in dt_rows]
			meta.fixtures[str(path.relative_to(package))] = rows
			continue
		kind = _kind_of(path.relative_to(package))
		if kind:
			getattr(meta, kind)[str(path.relative_to(package))] = json.loads(path.read_text())
	meta.indexes = literal_assignment(package / "indexes.py", "INDEXES")
	return meta


def literal_assignment(path: Path, name: str):
	"""The literal value assigned to `name` at the top of a module, read without importing it."""
	for node in ast.parse(path.read_text()).body:
		target = getattr(node, "target", None) or (getattr(node, "targets", None) or [None])[0]
		if getattr(target, "id", None) == name:
			return ast.literal_eval(node.value)
	raise LookupError(f"{path} assigns no {name}")


def scrub(name: str) -> str:
	return name.replace(" ", "_").replace("-", "_").lower()


# ---------------------------------------------------------------- DocType checks


def check_doctype(path: str, dt: dict, meta: AppMetadata) -> list[str]:
	problems: list[str] = []
	name = dt.get("name", "")
	where = f"{path} ({name})"
	if dt.get("doctype") != "DocType":
		problems.append(f"{where}: 'doctype' must be 'DocType'")
	if dt.get("module") not in meta.modules:
		problems.append(f"{where}: module {dt.get('module')!r} is not in modules.txt")
	elif not path.startswith(scrub(dt["module"]) + "/doctype/" + scrub(name) + "/"):
		problems.append(f"{where}: file is not under its module's doctype/{scrub(name)}/ folder")
	if not name.startswith("CRM "):
		problems.append(f"{where}: DocType names carry the 'CRM ' prefix")

	fields = dt.get("fields", [])
	fieldnames = [f.get("fieldname") for f in fields]
	seen: set[str] = set()
	for f in fields:
		fn = f.get("fieldname") or ""
		ft = f.get("fieldtype")
		label = f"{where}.{fn or '?'}"
		if ft not in FIELDTYPES:
			problems.append(f"{label}: fieldtype {ft!r} is not a Frappe v15 fieldtype")
		if not FIELDNAME_PATTERN.match(fn):
			problems.append(f"{label}: fieldname must be lower snake case")
		if fn in RESERVED_FIELDNAMES or keyword.iskeyword(fn):
			problems.append(f"{label}: fieldname is reserved")
		if fn in seen:
			problems.append(f"{label}: duplicate fieldname")
		seen.add(fn)
		problems += _check_field_options(label, f, dt, fieldnames, meta)
		for prop in ("depends_on", "mandatory_depends_on", "read_only_depends_on"):
			problems += _check_depends_on(label, prop, f.get(prop), fieldnames)
		if ft in NO_VALUE_FIELDTYPES and f.get("reqd"):
			problems.append(f"{label}: a {ft} cannot be mandatory")
	for key in ("title_field", "image_field", "sort_field"):
		value = dt.get(key)
		if value and value not in fieldnames and value not in ("modified", "creation", "name", "idx"):
			problems.append(f"{where}: {key} {value!r} is not a field")
	for sf in (dt.get("search_fields") or "").split(","):
		if sf.strip() and sf.strip() not in fieldnames:
			problems.append(f"{where}: search field {sf.strip()!r} is not a field")
	if dt.get("is_tree"):
		parent_field = dt.get("nsm_parent_field") or f"parent_{scrub(name)}"
		for needed in ("lft", "rgt", "is_group", parent_field):
			if needed not in fieldnames:
				problems.append(f"{where}: a tree DocType needs the field {needed!r}")
	autoname = dt.get("autoname") or ""
	if autoname.startswith("field:") and autoname[6:] not in fieldnames:
		problems.append(f"{where}: autoname names the missing field {autoname[6:]!r}")
	if autoname == "naming_series:" and "naming_series" not in fieldnames:
		problems.append(f"{where}: autoname naming_series: without a naming_series field")
	problems += check_permissions(where, dt, meta)
	return problems


def _check_field_options(label: str, f: dict, dt: dict, fieldnames: list, meta: AppMetadata) -> list[str]:
	ft, options = f.get("fieldtype"), (f.get("options") or "").strip()
	if ft in ("Link", "Table", "Table MultiSelect"):
		if not options:
			return [f"{label}: a {ft} field needs options"]
		if options not in meta.known_doctypes():
			return [f"{label}: {ft} options {options!r} is neither a DocType of this app nor of Frappe"]
		if ft != "Link":
			child = next((d for d in meta.doctypes.values() if d["name"] == options), None)
			if child is not None and not child.get("istable"):
				return [f"{label}: {ft} options {options!r} is not a child table DocType"]
	if ft == "Dynamic Link":
		if options not in fieldnames:
			return [f"{label}: Dynamic Link options {options!r} is not a field of the DocType"]
	if ft == "Select" and f.get("default") and options:
		choices = options.split("\n")
		if f["default"] not in choices:
			return [f"{label}: default {f['default']!r} is not one of the Select options"]
	if f.get("fetch_from"):
		link_field = f["fetch_from"].split(".")[0]
		if link_field not in fieldnames:
			return [f"{label}: fetch_from names the missing field {link_field!r}"]
	return []


DEPENDS_NAME = re.compile(r"\bdoc\.([a-zA-Z_][a-zA-Z0-9_]*)")


def _check_depends_on(label: str, prop: str, expr: str | None, fieldnames: list) -> list[str]:
	if not expr:
		return []
	expr = expr.strip()
	if expr.startswith("eval:"):
		names = DEPENDS_NAME.findall(expr)
	else:
		names = [expr]
	return [
		f"{label}: {prop} names the missing field {n!r}"
		for n in names
		if n not in fieldnames and n not in ("name", "docstatus", "__islocal", "owner")
	]


def check_permissions(where: str, dt: dict, meta: AppMetadata) -> list[str]:
	problems = []
	roles = meta.roles()
	perms = dt.get("permissions", [])
	if not dt.get("istable") and not perms:
		problems.append(f"{where}: no permission rows")
	for p in perms:
		if p.get("role") not in roles:
			problems.append(f"{where}: permission row names the unknown role {p.get('role')!r}")
		if not any(p.get(flag) for flag in PERM_FLAGS):
			problems.append(f"{where}: permission row for {p.get('role')!r} grants nothing")
		if (p.get("submit") or p.get("cancel") or p.get("amend")) and not dt.get("is_submittable"):
			problems.append(f"{where}: submit/cancel/amend on a DocType that is not submittable")
	return problems


# ---------------------------------------------------------------- reports, workspaces, cards, charts


def check_report(path: str, report: dict, meta: AppMetadata) -> list[str]:
	where = f"{path} ({report.get('name')})"
	problems = []
	if report.get("report_type") not in REPORT_TYPES:
		problems.append(f"{where}: unknown report_type {report.get('report_type')!r}")
	if report.get("ref_doctype") not in meta.known_doctypes():
		problems.append(f"{where}: ref_doctype {report.get('ref_doctype')!r} does not exist")
	problems += module_problems(where, report, meta)
	roles = [r.get("role") for r in report.get("roles", [])]
	if not roles:
		problems.append(f"{where}: no roles")
	problems += [f"{where}: unknown role {r!r}" for r in roles if r not in meta.roles()]
	if report.get("report_type") == "Script Report":
		py = PACKAGE / Path(path).parent / (Path(path).stem + ".py")
		if not py.exists():
			problems.append(f"{where}: a Script Report needs {py.name}")
		elif "def execute(" not in py.read_text():
			problems.append(f"{where}: {py.name} defines no execute()")
	return problems


def check_workspace(path: str, ws: dict, meta: AppMetadata) -> list[str]:
	where = f"{path} ({ws.get('name')})"
	problems = []
	report_names = {r["name"] for r in meta.reports.values()}
	card_names = {c["name"] for c in meta.number_cards.values()}
	chart_names = {c["name"] for c in meta.charts.values()}
	problems += module_problems(where, ws, meta)

	def resolves(kind: str, target: str) -> bool:
		if kind == "DocType":
			return target in meta.known_doctypes()
		if kind == "Report":
			return target in report_names
		return kind in ("Page", "URL", "Dashboard")

	for link in ws.get("links", []):
		if link.get("type") == "Link" and not resolves(link.get("link_type"), link.get("link_to")):
			problems.append(
				f"{where}: link {link.get('label')!r} to {link.get('link_to')!r} does not resolve"
			)
	for sc in ws.get("shortcuts", []):
		if not resolves(sc.get("type"), sc.get("link_to")):
			problems.append(
				f"{where}: shortcut {sc.get('label')!r} to {sc.get('link_to')!r} does not resolve"
			)
	for card in ws.get("number_cards", []):
		if card.get("number_card_name") not in card_names:
			problems.append(f"{where}: number card {card.get('number_card_name')!r} does not exist")
	for chart in ws.get("charts", []):
		if chart.get("chart_name") not in chart_names:
			problems.append(f"{where}: chart {chart.get('chart_name')!r} does not exist")
	for role in ws.get("roles", []):
		if role.get("role") not in meta.roles():
			problems.append(f"{where}: unknown role {role.get('role')!r}")
	# The content blocks refer to shortcuts, cards and charts by label or name.
	labels = {
		"shortcut": {s.get("label") for s in ws.get("shortcuts", [])},
		"card": {c.get("label") for c in ws.get("links", []) if c.get("type") == "Card Break"},
		"number_card": {c.get("label") or c.get("number_card_name") for c in ws.get("number_cards", [])},
		"chart": {c.get("label") or c.get("chart_name") for c in ws.get("charts", [])},
	}
	for block in json.loads(ws.get("content") or "[]"):
		kind, data = block.get("type"), block.get("data", {})
		key = {
			"shortcut": "shortcut_name",
			"card": "card_name",
			"number_card": "number_card_name",
			"chart": "chart_name",
		}
		if kind in key and data.get(key[kind]) not in labels[kind]:
			problems.append(f"{where}: content block {kind} {data.get(key[kind])!r} has no matching entry")
	return problems


def module_problems(where: str, record: dict, meta: AppMetadata) -> list[str]:
	"""A record of the desk's metadata belongs to a module of modules.txt."""
	if record.get("module") not in meta.modules:
		return [f"{where}: module {record.get('module')!r} is not in modules.txt"]
	return []


def check_number_card(path: str, card: dict, meta: AppMetadata) -> list[str]:
	where = f"{path} ({card.get('name')})"
	problems = module_problems(where, card, meta)
	if card.get("type") == "Document Type" and card.get("document_type") not in meta.known_doctypes():
		problems.append(f"{where}: document_type {card.get('document_type')!r} does not exist")
	if card.get("type") == "Report" and card.get("report_name") not in {
		r["name"] for r in meta.reports.values()
	}:
		problems.append(f"{where}: report {card.get('report_name')!r} does not exist")
	if card.get("type") == "Custom" and not card.get("method"):
		problems.append(f"{where}: a Custom card needs a method")
	return problems


def check_chart(path: str, chart: dict, meta: AppMetadata) -> list[str]:
	where = f"{path} ({chart.get('name')})"
	problems = module_problems(where, chart, meta)
	if chart.get("chart_type") in ("Count", "Sum", "Average", "Group By"):
		if chart.get("document_type") not in meta.known_doctypes():
			problems.append(f"{where}: document_type {chart.get('document_type')!r} does not exist")
	if chart.get("chart_type") == "Report" and chart.get("report_name") not in {
		r["name"] for r in meta.reports.values()
	}:
		problems.append(f"{where}: report {chart.get('report_name')!r} does not exist")
	return problems


def check_fixture(path: str, records: list, meta: AppMetadata) -> list[str]:
	problems = []
	if not isinstance(records, list):
		return [f"{path}: a fixture file holds a list of records"]
	for rec in records:
		doctype = rec.get("doctype")
		if doctype not in meta.known_doctypes():
			problems.append(f"{path}: record of unknown DocType {doctype!r}")
			continue
		for key in ("owner", "modified_by"):
			if rec.get(key) not in (None, "Administrator"):
				problems.append(f"{path}: {key} {rec.get(key)!r} is a leftover from a developer's site")
		dt = next((d for d in meta.doctypes.values() if d["name"] == doctype), None)
		if dt is not None:
			names = {f["fieldname"] for f in dt.get("fields", [])} | RESERVED_FIELDNAMES
			names |= {f["fieldname"] for f in dt.get("fields", []) if f.get("fieldtype") in ("Table",)}
			unknown = [k for k in rec if k not in names and not k.startswith("__")]
			if unknown:
				problems.append(f"{path}: {doctype} record has unknown fields {unknown}")
	return problems


# ---------------------------------------------------------------- composite indexes

# Columns every DocType table has besides its fields.
STANDARD_COLUMNS = frozenset(["name", "creation", "modified", "owner", "modified_by", "docstatus", "idx"])
LAYOUT_TYPES = frozenset(["Section Break", "Column Break", "Tab Break", "HTML", "Button", "Fold", "Heading"])
# MariaDB's limit on an index name, and on the columns of one index.
MAX_INDEX_NAME, MAX_INDEX_COLUMNS = 64, 16
# Framework DocTypes the app indexes too, with the fields (the same in Frappe v15 and v16) an index may name.
FRAMEWORK_INDEXED = {"ToDo": frozenset(["allocated_to", "status", "reference_type", "reference_name"])}


def check_indexes(indexes: dict[str, list], meta: AppMetadata) -> list[str]:
	"""Each composite index names a DocType of the app (or one of FRAMEWORK_INDEXED) and stored columns
	of it, has a legal name (the name crm_plus.indexes gives it, which shortens long ones) of its own, and
	is not declared twice."""
	from crm_plus.indexes import index_name  # the module imports frappe only inside its functions

	problems: list[str] = []
	by_name = {d["name"]: d for d in meta.doctypes.values()}
	for doctype, entries in indexes.items():
		dt = by_name.get(doctype)
		if dt is None and doctype in FRAMEWORK_INDEXED:
			columns = STANDARD_COLUMNS | FRAMEWORK_INDEXED[doctype]
		elif dt is None:
			problems.append(f"indexes: unknown DocType {doctype!r}")
			continue
		else:
			columns = STANDARD_COLUMNS | {
				f["fieldname"]
				for f in dt.get("fields", [])
				if f.get("fieldtype") not in LAYOUT_TYPES and not f.get("is_virtual")
			}
			if dt.get("istable"):
				columns |= {"parent", "parenttype", "parentfield"}
		seen, names = set(), {}
		for fields in entries:
			fields = tuple(fields)
			if len(fields) < 2 or len(fields) > MAX_INDEX_COLUMNS:
				problems.append(f"indexes: {doctype} {fields}: a composite index has 2 to 16 columns")
			if fields in seen:
				problems.append(f"indexes: {doctype} {fields} is declared twice")
			seen.add(fields)
			missing = [f for f in fields if f not in columns]
			if missing:
				problems.append(f"indexes: {doctype} has no column {missing}")
			name = index_name(fields)
			if len(name) > MAX_INDEX_NAME:
				problems.append(f"indexes: {doctype} {fields}: name longer than {MAX_INDEX_NAME}")
			if name in names and names[name] != fields:
				problems.append(f"indexes: {doctype} {fields} and {names[name]} get the same name {name!r}")
			names[name] = fields
	return problems


def all_problems(meta: AppMetadata) -> list[str]:
	problems: list[str] = []
	names = [d.get("name") for d in meta.doctypes.values()]
	problems += [f"DocType {n!r} is defined twice" for n in set(names) if names.count(n) > 1]
	checks = (
		(meta.doctypes, check_doctype),
		(meta.reports, check_report),
		(meta.workspaces, check_workspace),
		(meta.number_cards, check_number_card),
		(meta.charts, check_chart),
		(meta.fixtures, check_fixture),
	)
	for records_by_path, check in checks:
		for path, record in records_by_path.items():
			problems += check(path, record, meta)
	problems += check_indexes(meta.indexes, meta)
	return problems


def frappe_imports(package: Path = PACKAGE / "domain") -> list[str]:
	"""Files under crm_plus/domain that import frappe (directly or as `from frappe...`)."""
	return imports_of(sorted(package.rglob("*.py")), "frappe", package.parent)


def imports_of(files: list[Path], module: str, root: Path = PACKAGE) -> list[str]:
	"""`path:line` of each import of `module` (or a module under it) in `files`, relative to `root`."""
	found = []
	for py in files:
		tree = ast.parse(py.read_text(), filename=str(py))
		for node in ast.walk(tree):
			mods = []
			if isinstance(node, ast.Import):
				mods = [a.name for a in node.names]
			elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
				mods = [node.module]
			elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__":
				mods = [a.value for a in node.args if isinstance(a, ast.Constant)]
			if any(m == module or str(m).startswith(module + ".") for m in mods):
				found.append(f"{py.relative_to(root)}:{node.lineno}")
	return found


def production_files(package: Path = PACKAGE) -> list[Path]:
	"""The app's Python files that a site runs: all but the development tools and the tests."""
	return [
		py
		for py in sorted(package.rglob("*.py"))
		if not {"devtools", "tests"} & set(py.relative_to(package).parts[:-1])
		and not py.name.startswith("test_")
	]
