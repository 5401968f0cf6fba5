"""Caller filters must be data: the shapes Frappe's list engine would take as raw SQL are refused."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_plus.domain.query_args import OPERATORS, FilterError, check_field_expressions, check_filters

HOSTILE = [
	["1=1 or 1=1"],
	["(select count(*) from `tabUser`)>0 or 1=1"],
	"1=1",
	[["name", "= 'x' or 1=1 --", "a"]],
	[["name`) or 1=1 -- ", "=", "a"]],
	[["name", "in", [{"$gt": 1}]]],
	[["name", "=", {"nested": "dict"}]],
	[["CRM Customer", "name", "=", "a", "x", "y"]],
	[["`tabUser`", "name", "=", "a"]],
	[["name"]],
	{"name or 1": "x"},
	{"name": ["= 1 or 1", "x"]},
	{"name": {"a": 1}},
	[["name", "=", "x" * 2000]],
	[["name", "in", ["x"] * 5000]],
	[["name", "=", "x"]] * 60,
	42,
]


@pytest.mark.parametrize("filters", HOSTILE, ids=[str(i) for i in range(len(HOSTILE))])
def test_hostile_filters_are_refused(filters):
	with pytest.raises(FilterError):
		check_filters(filters)


def test_data_filters_pass_and_name_their_fields():
	assert check_filters(None) == []
	assert check_filters({"status": "Open", "grade": ["in", ["VIP", "Key"]]}) == [
		(None, "status"),
		(None, "grade"),
	]
	assert check_filters([["name", "like", "%100%"], ["CRM Customer Key Person", "phone", "=", "1"]]) == [
		(None, "name"),
		("CRM Customer Key Person", "phone"),
	]
	assert check_filters([["_assign", "like", '%"rep@x.com"%']]) == [(None, "_assign")]
	assert check_filters([["modified", "between", ["2026-01-01", "2026-12-31"]]]) == [(None, "modified")]
	assert check_filters({"name": 'it\'s 100% "quoted"'}) == [(None, "name")]


def test_dict_value_that_looks_like_an_operator_needs_one_value():
	with pytest.raises(FilterError):
		check_filters({"name": ["in", "a", "b"]})


@given(
	field=st.from_regex(r"\A[a-z_][a-z0-9_]{0,20}\Z"),
	operator=st.sampled_from(sorted(OPERATORS)),
	value=st.one_of(
		st.none(), st.integers(), st.text(max_size=50), st.lists(st.text(max_size=10), max_size=5)
	),
)
def test_any_well_formed_filter_passes(field, operator, value):
	assert check_filters([[field, operator, value]]) == [(None, field)]


@given(text=st.text(min_size=1, max_size=80))
def test_a_bare_string_is_never_a_filter(text):
	with pytest.raises(FilterError):
		check_filters([text])


HOSTILE_COLUMNS = [
	"sum((select expected_amount from `tabCRM Opportunity` where name='x')) as c",
	"(select 1)",
	["name", "count((SELECT password from __Auth))"],
	"max(`amount`) /*!select*/",
	"name -- comment",
	"name # comment",
	"name/**/",
	[["nested", ["sum((\nselect 1))"]]],
	"SeLeCt",
]
PLAIN_COLUMNS = [
	"name",
	["name", "expected_amount", "`tabCRM Opportunity`.`stage`"],
	"sum(expected_amount) as total",
	"count(*) as count",
	"stage desc, modified asc",
	"selected_stage",  # a field named like the keyword is a field
	"deselect",
	"",
]


@pytest.mark.parametrize("columns", HOSTILE_COLUMNS)
def test_a_sub_query_or_a_comment_in_columns_is_refused(columns):
	with pytest.raises(FilterError):
		check_field_expressions(columns)


@pytest.mark.parametrize("columns", PLAIN_COLUMNS)
def test_names_aggregates_and_sorts_pass(columns):
	check_field_expressions(columns)


@given(st.text(alphabet=st.characters(blacklist_characters="#-/"), max_size=40))
def test_any_column_holding_the_keyword_select_is_refused(text):
	with pytest.raises(FilterError):
		check_field_expressions(f"sum(({text} select {text}))")
