"""Tier 1: every import of the app's own modules names one that exists, imports inside functions
included (a lazy import of a moved module fails only when its code path runs: the escalation pass's
`from crm_plus.permissions import mask_version` did, after the security shell moved). Hook paths in
hooks.py and the dotted paths in the app's JSON and JS are checked by test_desk_metadata and the
integration suite; this is the Python side, tests included."""

from __future__ import annotations

import ast
from pathlib import Path

from metadata import PACKAGE


def module_exists(package: Path, dotted: str) -> bool:
	path = package.parent.joinpath(*dotted.split("."))
	return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def bad_imports(package: Path, roots: list[Path]) -> list[str]:
	"""`file:line name` of each `import crm_plus.x` / `from crm_plus.x import y` whose module (or, for
	`from`, the module or the name as a submodule) does not exist, or whose name the module lacks."""
	root = package.name
	bad = []
	for base in roots:
		for py in sorted(base.rglob("*.py")):
			if "node_modules" in py.parts:
				continue
			for node in ast.walk(ast.parse(py.read_text(), filename=str(py))):
				if isinstance(node, ast.Import):
					for alias in node.names:
						if alias.name.split(".")[0] == root and not module_exists(package, alias.name):
							bad.append(f"{py}:{node.lineno} {alias.name}")
				elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
					if node.module.split(".")[0] != root:
						continue
					if not module_exists(package, node.module):
						bad.append(f"{py}:{node.lineno} {node.module}")
						continue
					source = package.parent.joinpath(*node.module.split("."))
					source = source / "__init__.py" if source.is_dir() else source.with_suffix(".py")
					defined = top_level_names(source)
					for alias in node.names:
						if alias.name == "*" or module_exists(package, f"{node.module}.{alias.name}"):
							continue
						if alias.name not in defined:
							bad.append(f"{py}:{node.lineno} {node.module}.{alias.name}")
	return bad


def top_level_names(py: Path) -> set[str]:
	"""Names a module defines or imports at its top level (what `from module import name` can take)."""
	names = set()
	for node in ast.parse(py.read_text()).body:
		if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
			names.add(node.name)
		elif isinstance(node, (ast.Assign, ast.AnnAssign)):
			targets = node.targets if isinstance(node, ast.Assign) else [node.target]
			for target in targets:
				for leaf in ast.walk(target):
					if isinstance(leaf, ast.Name):
						names.add(leaf.id)
		elif isinstance(node, (ast.Import, ast.ImportFrom)):
			for alias in node.names:
				names.add((alias.asname or alias.name).split(".")[0])
		elif isinstance(node, (ast.If, ast.Try)):
			for inner in ast.walk(node):
				if isinstance(inner, (ast.FunctionDef, ast.ClassDef)):
					names.add(inner.name)
				elif isinstance(inner, ast.Assign):
					for target in inner.targets:
						if isinstance(target, ast.Name):
							names.add(target.id)
				elif isinstance(inner, (ast.Import, ast.ImportFrom)):
					for alias in inner.names:
						names.add((alias.asname or alias.name).split(".")[0])
	return names


def test_every_import_of_the_app_names_a_module_and_a_name_that_exist():
	roots = [PACKAGE, PACKAGE.parent / "tests"]
	assert bad_imports(PACKAGE, roots) == []


def test_a_moved_module_imported_lazily_is_found(tmp_path):
	package = tmp_path / "crm_plus"
	(package / "security").mkdir(parents=True)
	(package / "__init__.py").write_text("")
	(package / "security" / "__init__.py").write_text("")
	(package / "security" / "guards.py").write_text("def mask_version(doc):\n\tpass\n")
	(package / "service_level.py").write_text(
		"def versions_of():\n\tfrom crm_plus.permissions import mask_version\n"
		"\tfrom crm_plus.security.guards import mask_version, missing_name\n"
	)
	bad = bad_imports(package, [package])
	assert [b.split(" ")[1] for b in bad] == ["crm_plus.permissions", "crm_plus.security.guards.missing_name"]
