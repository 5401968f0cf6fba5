"""A small, safe evaluator for the arithmetic formulas admins may give (e.g. a grading score).

Only numbers, the variables given, + - * / // % **, comparisons, and/or/not, `x if c else y` and
the functions min, max, abs and round are allowed; anything else (attributes, calls to other
names, subscripts, strings, lambdas, comprehensions) is refused before evaluation. Powers are
capped so that a formula cannot exhaust the machine.
"""

from __future__ import annotations

import ast
import operator

FUNCTIONS = {"min": min, "max": max, "abs": abs, "round": round}
BINARY = {
	ast.Add: operator.add,
	ast.Sub: operator.sub,
	ast.Mult: operator.mul,
	ast.Div: operator.truediv,
	ast.FloorDiv: operator.floordiv,
	ast.Mod: operator.mod,
	ast.Pow: operator.pow,
}
COMPARE = {
	ast.Lt: operator.lt,
	ast.LtE: operator.le,
	ast.Gt: operator.gt,
	ast.GtE: operator.ge,
	ast.Eq: operator.eq,
	ast.NotEq: operator.ne,
}
MAX_EXPONENT = 8
MAX_LENGTH = 1000


class FormulaError(ValueError):
	"""The formula is not allowed or cannot be evaluated; `code` says why, `detail` names the part."""

	def __init__(self, code: str, detail: str = ""):
		super().__init__(f"{code}: {detail}" if detail else code)
		self.code = code
		self.detail = detail


def parse(formula: str, variables: set[str] | frozenset[str]) -> ast.Expression:
	"""Parse and check a formula; raises FormulaError naming the first thing not allowed."""
	if not formula or not formula.strip():
		raise FormulaError("empty_formula")
	if len(formula) > MAX_LENGTH:
		raise FormulaError("formula_too_long")
	try:
		tree = ast.parse(formula.strip(), mode="eval")
	except SyntaxError as e:
		raise FormulaError("syntax_error", str(e.msg)) from None
	for node in ast.walk(tree):
		_check_node(node, variables)
	return tree


def _check_node(node: ast.AST, variables) -> None:
	allowed = (
		ast.Expression,
		ast.BinOp,
		ast.UnaryOp,
		ast.BoolOp,
		ast.Compare,
		ast.IfExp,
		ast.Call,
		ast.Name,
		ast.Constant,
		ast.Load,
		ast.operator,
		ast.unaryop,
		ast.boolop,
		ast.cmpop,
	)
	if not isinstance(node, allowed):
		raise FormulaError("not_allowed", type(node).__name__)
	if isinstance(node, ast.BinOp) and type(node.op) not in BINARY:
		raise FormulaError("not_allowed", type(node.op).__name__)
	if isinstance(node, ast.Constant) and (
		isinstance(node.value, bool) or not isinstance(node.value, int | float)
	):
		raise FormulaError("not_allowed", repr(node.value))
	if isinstance(node, ast.Call):
		if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS or node.keywords:
			raise FormulaError("unknown_function", ast.unparse(node.func))
	elif isinstance(node, ast.Name) and node.id not in variables and node.id not in FUNCTIONS:
		raise FormulaError("unknown_variable", node.id)


def evaluate(formula: str | ast.Expression, values: dict[str, float]) -> float:
	"""Evaluate a formula (text or a tree from `parse`) with the given variable values."""
	tree = parse(formula, frozenset(values)) if isinstance(formula, str) else formula
	try:
		result = _eval(tree.body, values)
	except FormulaError:
		raise
	except ZeroDivisionError:
		raise FormulaError("division_by_zero") from None
	except (OverflowError, TypeError, ValueError) as e:
		raise FormulaError("cannot_evaluate", str(e)) from None
	return float(result)


def _eval(node: ast.AST, values: dict[str, float]):
	if isinstance(node, ast.Constant):
		return node.value
	if isinstance(node, ast.Name):
		if node.id not in values:
			raise FormulaError("unknown_variable", node.id)
		return values[node.id]
	if isinstance(node, ast.UnaryOp):
		operand = _eval(node.operand, values)
		if isinstance(node.op, ast.USub):
			return -operand
		if isinstance(node.op, ast.UAdd):
			return +operand
		return not operand
	if isinstance(node, ast.BinOp):
		left, right = _eval(node.left, values), _eval(node.right, values)
		if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
			raise FormulaError("exponent_too_large")
		return BINARY[type(node.op)](left, right)
	if isinstance(node, ast.BoolOp):
		results = [_eval(v, values) for v in node.values]
		return all(results) if isinstance(node.op, ast.And) else any(results)
	if isinstance(node, ast.Compare):
		left = _eval(node.left, values)
		for op, comparator in zip(node.ops, node.comparators, strict=True):
			right = _eval(comparator, values)
			if not COMPARE[type(op)](left, right):
				return False
			left = right
		return True
	if isinstance(node, ast.IfExp):
		return _eval(node.body, values) if _eval(node.test, values) else _eval(node.orelse, values)
	if isinstance(node, ast.Call):
		return FUNCTIONS[node.func.id](*[_eval(a, values) for a in node.args])
	raise FormulaError("not_allowed", type(node).__name__)
