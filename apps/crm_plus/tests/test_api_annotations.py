"""Every whitelisted function of the app is type-annotated: each parameter and the return.

Frappe validates a whitelisted function's arguments against its annotations on every request
(`frappe.utils.typing_validations`), so an annotated guest endpoint refuses a list or an object where
it takes text before its body runs; `require_type_annotated_api_methods` (hooks.py) makes a Frappe
that enforces the hook refuse an unannotated one. Checked here by parsing the source (no frappe)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "crm_plus"


def _is_whitelist(decorator: ast.expr) -> bool:
	node = decorator.func if isinstance(decorator, ast.Call) else decorator
	return (isinstance(node, ast.Attribute) and node.attr == "whitelist") or (
		isinstance(node, ast.Name) and node.id == "whitelist"
	)


def whitelisted_functions(source: str) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
	return [
		node
		for node in ast.walk(ast.parse(source))
		if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
		and any(_is_whitelist(d) for d in node.decorator_list)
	]


def unannotated(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
	"""What of a function lacks an annotation: its parameters by name (self and cls aside), "return"."""
	a = function.args
	params = [*a.posonlyargs, *a.args, *a.kwonlyargs, *(p for p in (a.vararg, a.kwarg) if p)]
	missing = [p.arg for p in params if p.annotation is None and p.arg not in ("self", "cls")]
	if function.returns is None:
		missing.append("return")
	return missing


def problems(source: str, where: str = "<sample>") -> list[str]:
	return [
		f"{where}:{f.lineno} {f.name}: {', '.join(missing)} not annotated"
		for f in whitelisted_functions(source)
		if (missing := unannotated(f))
	]


def app_sources() -> dict[str, str]:
	return {
		str(path.relative_to(PACKAGE.parent)): path.read_text(encoding="utf-8")
		for path in sorted(PACKAGE.rglob("*.py"))
	}


def test_every_whitelisted_function_of_the_app_is_annotated():
	found = [f for source in app_sources().values() for f in whitelisted_functions(source)]
	assert len(found) >= 35, "the app's whitelisted functions were not found"
	assert [p for where, source in app_sources().items() for p in problems(source, where)] == []


def test_guest_endpoints_are_among_the_checked():
	guests = {
		f.name
		for source in app_sources().values()
		for f in whitelisted_functions(source)
		for d in f.decorator_list
		if isinstance(d, ast.Call) and any(k.arg == "allow_guest" for k in d.keywords)
	}
	assert {"submit", "submit_complaint"} <= guests


def test_the_hook_asks_frappe_to_require_annotations():
	hooks = ast.parse((PACKAGE / "hooks.py").read_text(encoding="utf-8"))
	values = {
		t.id: node.value
		for node in hooks.body
		if isinstance(node, ast.Assign)
		for t in node.targets
		if isinstance(t, ast.Name)
	}
	assert isinstance(values.get("require_type_annotated_api_methods"), ast.Constant)
	assert values["require_type_annotated_api_methods"].value is True


def test_the_check_catches_what_it_is_meant_to():
	assert problems("import frappe\n@frappe.whitelist()\ndef f(a: str, b=None) -> None:\n\tpass\n") == [
		"<sample>:3 f: b not annotated"
	]
	assert problems("@frappe.whitelist(allow_guest=True)\ndef f(a: str):\n\tpass\n") == [
		"<sample>:2 f: return not annotated"
	]
	assert problems("@whitelist\ndef f(*args, **kwargs) -> int:\n\treturn 1\n") == [
		"<sample>:2 f: args, kwargs not annotated"
	]
	method = "class C:\n\t@frappe.whitelist()\n\tdef m(self, x: int) -> int:\n\t\treturn x\n"
	assert problems(method) == []
	assert problems("def helper(a, b):\n\treturn a\n") == []
