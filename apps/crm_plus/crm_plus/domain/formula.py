"""A small, safe evaluator for the arithmetic formulas admins may give (e.g. a grading score).

Only numbers, the variables given, + - * / // % **, comparisons (< <= > >= == !=), and/or/not,
`x if c else y` and the functions min, max, abs and round are allowed; anything else (attributes,
calls to other names, subscripts, strings, lambdas, comprehensions, `in`, `is`, bit operators) is
refused before evaluation.

Evaluation is bounded, whatever the formula: a formula has at most MAX_NODES syntax nodes nested at
most MAX_DEPTH deep (checked when it is parsed, without recursion), every value it computes stays
within MAX_MAGNITUDE (a power is refused before it is computed when its result would not), and
every failure is a FormulaError with a code, never another exception.
"""

from __future__ import annotations

import ast
import math
import operator

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
UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_}
BOOLEAN = (ast.And, ast.Or)
MAX_EXPONENT = 8
MAX_LENGTH = 1000
MAX_NODES = 400
MAX_DEPTH = 100
MAX_MAGNITUDE = 1e15
MAX_ROUND_DIGITS = 15
# Number of arguments each function takes: (fewest, most).
ARITY = {"min": (2, 20), "max": (2, 20), "abs": (1, 1), "round": (1, 2)}


def _round(value, digits=None):
	if digits is None:
		return round(value)
	if digits != int(digits) or abs(digits) > MAX_ROUND_DIGITS:
		raise FormulaError("wrong_arguments", "round")
	return round(value, int(digits))


FUNCTIONS = {"min": min, "max": max, "abs": abs, "round": _round}


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
	except (RecursionError, MemoryError):
		raise FormulaError("too_deep") from None
	_check_size(tree)
	for node in ast.walk(tree):
		_check_node(node, variables)
	return tree


def _check_size(tree: ast.AST) -> None:
	"""At most MAX_NODES nodes, at most MAX_DEPTH deep; walked with a list, not by recursion."""
	count = 0
	stack = [(tree, 1)]
	while stack:
		node, depth = stack.pop()
		count += 1
		if count > MAX_NODES:
			raise FormulaError("too_complex")
		if depth > MAX_DEPTH:
			raise FormulaError("too_deep")
		stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


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
		*BINARY,
		*COMPARE,
		*UNARY,
		*BOOLEAN,
	)
	if not isinstance(node, allowed):
		raise FormulaError("not_allowed", _describe(node))
	if isinstance(node, ast.Constant):
		value = node.value
		if isinstance(value, bool) or not isinstance(value, int | float):
			raise FormulaError("not_allowed", repr(value))
		if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
			raise FormulaError("value_too_large", repr(value)[:30])
	if isinstance(node, ast.Call):
		if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS or node.keywords:
			raise FormulaError("unknown_function", ast.unparse(node.func)[:50])
		fewest, most = ARITY[node.func.id]
		if not fewest <= len(node.args) <= most:
			raise FormulaError("wrong_arguments", node.func.id)
	elif isinstance(node, ast.Name) and node.id not in variables and node.id not in FUNCTIONS:
		raise FormulaError("unknown_variable", node.id)


def _describe(node: ast.AST) -> str:
	symbols = {ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.Invert: "~"}
	return symbols.get(type(node), type(node).__name__)


def evaluate(formula: str | ast.Expression, values: dict[str, float]) -> float:
	"""Evaluate a formula (text or a tree from `parse`) with the given variable values."""
	tree = parse(formula, frozenset(values)) if isinstance(formula, str) else formula
	try:
		result = _eval(tree.body, values)
	except FormulaError:
		raise
	except ZeroDivisionError:
		raise FormulaError("division_by_zero") from None
	except (ArithmeticError, TypeError, ValueError, RecursionError, MemoryError) as e:
		raise FormulaError("cannot_evaluate", str(e)[:100]) from None
	return float(result)


def _bounded(value):
	"""Every value a formula computes is a real number no larger than MAX_MAGNITUDE."""
	if isinstance(value, bool):
		return value
	if not isinstance(value, int | float):
		raise FormulaError("not_a_real_number")
	if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
		raise FormulaError("value_too_large")
	return value


def _power(base, exponent):
	"""Refused before computing when the exponent or the result would be too large."""
	if abs(exponent) > MAX_EXPONENT:
		raise FormulaError("exponent_too_large")
	if base == 0 and exponent < 0:
		raise FormulaError("division_by_zero")
	if base != 0 and exponent * math.log10(abs(base)) > math.log10(MAX_MAGNITUDE):
		raise FormulaError("value_too_large")
	if base < 0 and exponent != int(exponent):
		raise FormulaError("not_a_real_number")
	return base**exponent


def _eval(node: ast.AST, values: dict[str, float]):
	"""Recursion here is at most MAX_DEPTH deep: `parse` refused deeper trees."""
	if isinstance(node, ast.Constant):
		return _bounded(node.value)
	if isinstance(node, ast.Name):
		if node.id not in values:
			raise FormulaError("unknown_variable", node.id)
		return _bounded(values[node.id])
	if isinstance(node, ast.UnaryOp):
		return _bounded(UNARY[type(node.op)](_eval(node.operand, values)))
	if isinstance(node, ast.BinOp):
		left, right = _eval(node.left, values), _eval(node.right, values)
		if isinstance(node.op, ast.Pow):
			return _bounded(_power(left, right))
		return _bounded(BINARY[type(node.op)](left, right))
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
		return _bounded(FUNCTIONS[node.func.id](*[_eval(a, values) for a in node.args]))
	raise FormulaError("not_allowed", _describe(node))
