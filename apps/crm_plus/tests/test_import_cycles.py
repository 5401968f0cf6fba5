"""Tier 1: imports point down only. No two files of the app import each other (directly or round a
longer loop, imports inside functions included: a lazy import hides a cycle, it does not remove it), and
no two of its modules (the Frappe module folders, `domain/`, `devtools/`, each top-level file) do.
The tests are left out: they import everything and nothing imports them."""

from __future__ import annotations

import ast
from pathlib import Path

from metadata import PACKAGE


def app_files(package: Path) -> dict[str, Path]:
	"""{dotted name: path} of the app's Python files, tests left out."""
	files = {}
	for py in sorted(package.rglob("*.py")):
		parts = py.relative_to(package.parent).with_suffix("").parts
		if "tests" in parts[:-1] or parts[-1].startswith("test_"):
			continue
		name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
		files[name] = py
	return files


def import_graph(package: Path) -> dict[str, set[str]]:
	"""{file: the app's files it imports}. `from a.b import c` is the file a/b/c.py when there is
	one, else a/b.py (or a/b/__init__.py)."""
	files = app_files(package)
	root = package.name

	def resolve(name: str) -> str | None:
		while name and name not in files:
			name = name.rpartition(".")[0]
		return name or None

	graph = {}
	for name, py in files.items():
		targets = set()
		for node in ast.walk(ast.parse(py.read_text(), filename=str(py))):
			if isinstance(node, ast.Import):
				targets |= {resolve(a.name) for a in node.names if a.name.split(".")[0] == root}
			elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
				if node.module.split(".")[0] == root:
					targets |= {resolve(f"{node.module}.{a.name}") for a in node.names}
		graph[name] = targets - {None, name, root}
	return graph


def module_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
	"""The same imports between the app's modules: the first level below the package."""

	def module(name: str) -> str:
		return ".".join(name.split(".")[:2])

	modules: dict[str, set[str]] = {}
	for name, targets in graph.items():
		modules.setdefault(module(name), set()).update(
			module(t) for t in targets if module(t) != module(name)
		)
	return modules


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
	"""The strongly connected components of more than one node (Tarjan), each sorted."""
	index: dict[str, int] = {}
	low: dict[str, int] = {}
	stack: list[str] = []
	found = []

	def visit(node: str) -> None:
		index[node] = low[node] = len(index)
		stack.append(node)
		for other in sorted(graph.get(node, ())):
			if other not in index:
				visit(other)
				low[node] = min(low[node], low[other])
			elif other in stack:
				low[node] = min(low[node], index[other])
		if low[node] == index[node]:
			component = []
			while True:
				other = stack.pop()
				component.append(other)
				if other == node:
					break
			if len(component) > 1:
				found.append(sorted(component))

	for node in sorted(graph):
		if node not in index:
			visit(node)
	return found


def test_no_two_files_of_the_app_import_each_other():
	assert cycles(import_graph(PACKAGE)) == []


def test_no_two_modules_of_the_app_import_each_other():
	assert cycles(module_graph(import_graph(PACKAGE))) == []


def test_the_cycle_rule_catches_a_lazy_import_and_a_loop_between_modules(tmp_path):
	app = tmp_path / "app"
	for folder in ("app/sales/doctype/lead", "app/customers", "app/domain"):
		(tmp_path / folder).mkdir(parents=True, exist_ok=True)
		(tmp_path / folder / "__init__.py").write_text("")
	(app / "customers" / "controller.py").write_text(
		"def f():\n\tfrom app.sales.doctype.lead.lead import check\n"
	)
	(app / "customers" / "messages.py").write_text("from app.domain import rules\n")
	(app / "sales" / "doctype" / "lead" / "lead.py").write_text("from app.customers import messages\n")
	(app / "sales" / "feedback.py").write_text("import app.sales.complaint\n")
	(app / "sales" / "complaint.py").write_text("def g():\n\tfrom app.sales import feedback\n")
	(app / "sales" / "test_lead.py").write_text("from app.customers import controller\n")
	(app / "domain" / "rules.py").write_text("import os\n")
	graph = import_graph(app)
	assert cycles(graph) == [["app.sales.complaint", "app.sales.feedback"]]
	assert cycles(module_graph(graph)) == [["app.customers", "app.sales"]]
