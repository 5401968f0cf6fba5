"""The formula evaluator is bounded: whatever an admin writes, evaluation ends quickly, and every
failure is a FormulaError with a code (never a hang, a crash or another exception)."""

import math
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_plus.domain import formula
from crm_plus.domain.formula import FormulaError

VALUES = {"r": 3, "f": 0, "m": 2, "p": 5, "sales": 1e9, "purchases": 0}
# A bounded evaluation takes well under a millisecond; an unbounded one (the power tower before the
# bound) takes seconds. One second between them keeps the check meaningful on a loaded 2-core CI.
TIME_LIMIT = 1.0


def failure(text, values=VALUES) -> FormulaError:
	"""The FormulaError the formula gives, checked to come within TIME_LIMIT."""
	start = time.perf_counter()
	with pytest.raises(FormulaError) as e:
		formula.evaluate(text, values)
	assert time.perf_counter() - start < TIME_LIMIT, text[:40]
	return e.value


def test_a_tower_of_powers_is_refused_in_milliseconds():
	# Each power alone has a small exponent; the values grew without bound and took seconds.
	assert failure("((9**8)**8)**8").code == "value_too_large"
	assert failure("((((9**8)**8)**8)**8)**8").code == "value_too_large"
	assert failure("(m ** 8) ** 8").code == "value_too_large"  # 2 ** 64
	assert failure("9 ** 9 ** 9").code == "exponent_too_large"
	assert formula.evaluate("(m ** 2) ** 8", VALUES) == 2**16


def test_a_power_is_refused_before_it_is_computed():
	assert failure("1000000 ** 8").code == "value_too_large"  # 1e48, refused from the logarithms
	assert failure("0.000001 ** -8").code == "value_too_large"
	assert failure("0 ** -1").code == "division_by_zero"
	assert failure("(0 - 8) ** 0.5").code == "not_a_real_number"
	assert formula.evaluate("(0 - 8) ** 2", VALUES) == 64
	assert formula.evaluate("4 ** 0.5", VALUES) == 2


def test_huge_intermediate_values_are_refused():
	assert failure("sales * sales / sales").code == "value_too_large"  # 1e18 on the way
	assert failure("999999999999999 * 10 - 1").code == "value_too_large"
	assert failure("1 / 0.0000000000000000001").code == "value_too_large"
	assert failure("1e999 - 1e999").code == "value_too_large"  # inf is no number either
	assert failure("10000000000000000 * 0").code == "value_too_large"  # a constant beyond the limit
	assert failure("r", {"r": float("nan")}).code == "value_too_large"
	assert formula.evaluate("sales / 1000000 * 1000", VALUES) == 1e6


@pytest.mark.parametrize(
	"text, shown",
	[
		("r in f", "in"),
		("r not in f", "not in"),
		("r is f", "is"),
		("r is not f", "is not"),
		("~r", "~"),
		("r & f", "BitAnd"),
		("r << 2", "LShift"),
	],
)
def test_operators_outside_the_tables_are_refused_when_parsed(text, shown):
	with pytest.raises(FormulaError) as e:
		formula.parse(text, frozenset(VALUES))
	assert (e.value.code, e.value.detail) == ("not_allowed", shown)


def test_long_unary_chains_and_deep_nesting_are_refused_without_recursion_errors():
	assert failure("-" * 5000 + "r").code == "formula_too_long"
	assert failure("-" * 990 + "r").code == "too_deep"  # short enough, but 990 levels deep
	assert failure("not " * 240 + "r").code == "too_deep"
	assert failure("(" * 250 + "r" + ")" * 250).code == "syntax_error"  # Python's own limit
	assert failure("r+" * 300 + "r").code == "too_deep"
	assert failure("min(" * 120 + "r" + ", 1)" * 120).code == "too_deep"
	assert formula.evaluate("-" * 40 + "r", VALUES) == 3


def test_the_number_of_parts_is_limited():
	flat = "max(" + ", ".join(["r"] * 20) + ")"
	assert formula.evaluate(" + ".join([flat] * 2), VALUES) == 6
	e = failure(" + ".join(["max(" + ", ".join(["r * m"] * 20) + ")"] * 6))
	assert e.code == "too_complex"


def test_division_by_zero_for_zero_activity():
	assert failure("m / f").code == "division_by_zero"
	assert failure("100 // purchases").code == "division_by_zero"
	assert failure("r % f").code == "division_by_zero"
	assert formula.evaluate("m / max(f, 1)", VALUES) == 2
	assert formula.evaluate("0 if f == 0 else m / f", VALUES) == 0  # the branch not taken is not run


def test_functions_take_their_arguments():
	assert failure("min(r)").code == "wrong_arguments"
	assert failure("abs(r, f)").code == "wrong_arguments"
	assert failure("round(r, 1000000000)").code == "wrong_arguments"
	assert failure("round(r, 1.5)").code == "wrong_arguments"
	assert failure("min + 1").code == "unknown_variable"
	assert formula.evaluate("round(2.345, 2)", VALUES) == 2.35
	assert formula.evaluate("round(1234, -2)", VALUES) == 1200


# ---------------------------------------------------------------- property: the whole grammar
NAMES = ["r", "f", "m", "p", "sales", "purchases"]
numbers = st.one_of(
	st.integers(0, 10),
	st.integers(0, 10**16),
	st.floats(0, 1e16, allow_nan=False, allow_infinity=False),
	st.sampled_from([0, 0.0, 1e-300, 0.5, 8, 9, 1e15]),
).map(repr)
atoms = st.one_of(numbers, st.sampled_from(NAMES))


def _extend(inner):
	binary = st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "//", "%", "**"]), inner)
	compare = st.tuples(inner, st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), inner)
	return st.one_of(
		binary.map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
		compare.map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
		st.tuples(st.sampled_from(["-", "+", "not "]), inner).map(lambda t: f"({t[0]}{t[1]})"),
		st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
		st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
		st.tuples(
			st.sampled_from(["min", "max", "abs", "round"]), st.lists(inner, min_size=0, max_size=3)
		).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
	)


formulas_of_the_grammar = st.recursive(atoms, _extend, max_leaves=60)
values = st.fixed_dictionaries(
	{
		name: st.one_of(
			st.sampled_from([0, 1, 5, -1, 1e12]),
			st.floats(-1e15, 1e15, allow_nan=False, allow_infinity=False),
		)
		for name in NAMES
	}
)


@settings(max_examples=400, deadline=None)
@given(formulas_of_the_grammar, values)
def test_any_formula_of_the_grammar_gives_a_bounded_number_or_a_formula_error(text, vals):
	start = time.perf_counter()
	try:
		result = formula.evaluate(text, vals)
	except FormulaError as e:
		assert e.code
	else:
		assert isinstance(result, float)
		assert math.isfinite(result)
		assert abs(result) <= formula.MAX_MAGNITUDE
	assert time.perf_counter() - start < TIME_LIMIT, text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="rfm0123456789.+-*/%()<>=! ainotdsfelmxbu,~&|^", max_size=200))
def test_any_text_at_all_gives_a_number_or_a_formula_error(text):
	try:
		result = formula.evaluate(text, {"r": 1, "f": 0, "m": 5})
	except FormulaError:
		return
	assert math.isfinite(result)
