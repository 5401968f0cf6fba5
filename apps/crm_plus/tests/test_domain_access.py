"""The access rule: Python predicate and SQL condition give the same answers (checked on SQLite)."""

import json
import sqlite3
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from crm_plus.domain.access import (
	Scope,
	assigned_users,
	build_scope,
	can_read,
	can_write,
	condition_sql,
	linked_condition_sql,
)

USERS = ["rep.a@x.com", "rep.b@x.com", "mgr@x.com", "head@x.com", "agent@x.com", "rep_c@x.com", "repxc@x.com"]
TEAMS = ["North", "North-1", "South"]
DIVISIONS = ["Logistics", "Retail"]


def sqlite_escape(value: str) -> str:
	return "'" + value.replace("'", "''") + "'"


def make_db(rows):
	db = sqlite3.connect(":memory:")
	db.execute(
		"create table `tabCRM Customer` (name text, account_manager text, sales_team text, division text, _assign text,"
		" in_pool int)"
	)
	db.execute("create table `tabCRM Visit` (name text, customer text)")
	for r in rows:
		db.execute(
			"insert into `tabCRM Customer` values (?, ?, ?, ?, ?, ?)",
			(
				r["name"],
				r["account_manager"],
				r["sales_team"],
				r["division"],
				r["_assign"],
				r.get("in_pool", 0),
			),
		)
		db.execute("insert into `tabCRM Visit` values (?, ?)", ("V-" + r["name"], r["name"]))
	return db


def visible_by_sql(db, scope, for_write=False):
	cond = condition_sql(scope, "`tabCRM Customer`", sqlite_escape, for_write=for_write) or "1=1"
	return {r[0] for r in db.execute(f"select name from `tabCRM Customer` where {cond}")}


def test_roles_give_scopes():
	assert build_scope("Administrator", []).unrestricted
	assert build_scope("exec@x.com", ["CRM Executive"]).unrestricted
	assert build_scope("admin@x.com", ["CRM Admin"]).unrestricted
	rep = build_scope("rep.a@x.com", ["CRM Sales User"], served_divisions=["Retail"])
	assert not rep.unrestricted and rep.served_divisions == frozenset()  # only service roles serve
	agent = build_scope("agent@x.com", ["CRM Service Agent"], served_divisions=["Retail"])
	assert agent.served_divisions == {"Retail"}


ROWS = [
	{
		"name": "C1",
		"account_manager": "rep.a@x.com",
		"sales_team": "North-1",
		"division": "Logistics",
		"_assign": None,
	},
	{
		"name": "C2",
		"account_manager": "rep.b@x.com",
		"sales_team": "South",
		"division": "Retail",
		"_assign": json.dumps(["rep.a@x.com"]),
	},
	{
		"name": "C3",
		"account_manager": "rep.b@x.com",
		"sales_team": "South",
		"division": "Retail",
		"_assign": None,
	},
	{
		"name": "C4",
		"account_manager": "mgr@x.com",
		"sales_team": "North",
		"division": "Logistics",
		"_assign": "[]",
	},
	{
		"name": "C5",
		"account_manager": "repxc@x.com",
		"sales_team": None,
		"division": None,
		"_assign": json.dumps(["repxc@x.com"]),
	},
]


def test_examples_each_role():
	db = make_db(ROWS)
	rep_a = Scope("rep.a@x.com")
	assert visible_by_sql(db, rep_a) == {"C1", "C2"}  # own, and assigned
	rep_b = Scope("rep.b@x.com")
	assert visible_by_sql(db, rep_b) == {"C2", "C3"}
	# A rep whose id differs from another only where LIKE would see a wildcard sees nothing of theirs.
	assert visible_by_sql(db, Scope("rep_c@x.com")) == set()
	manager = Scope("mgr@x.com", teams=frozenset({"North", "North-1"}))
	assert visible_by_sql(db, manager) == {"C1", "C4"}
	head = Scope("head@x.com", divisions=frozenset({"Retail"}))
	assert visible_by_sql(db, head) == {"C2", "C3"}
	agent = Scope("agent@x.com", served_divisions=frozenset({"Logistics"}))
	assert visible_by_sql(db, agent) == {"C1", "C4"}
	assert visible_by_sql(db, agent, for_write=True) == set()
	assert visible_by_sql(db, Scope("exec@x.com", unrestricted=True)) == {r["name"] for r in ROWS}


def test_service_staff_read_but_never_write():
	agent = Scope("agent@x.com", served_divisions=frozenset({"Logistics"}))
	assert can_read(agent, ROWS[0]) and not can_write(agent, ROWS[0])


def test_linked_records_follow_their_customer():
	db = make_db(ROWS)
	cond = linked_condition_sql(
		Scope("rep.a@x.com"), "`tabCRM Visit`", "customer", sqlite_escape, "tabCRM Customer"
	)
	assert {r[0] for r in db.execute(f"select name from `tabCRM Visit` where {cond}")} == {"V-C1", "V-C2"}
	assert (
		linked_condition_sql(
			Scope("x", unrestricted=True), "`tabCRM Visit`", "customer", sqlite_escape, "tabCRM Customer"
		)
		== ""
	)


def test_values_are_escaped():
	evil = Scope("x' or '1'='1", teams=frozenset({"a') or ('1'='1"}))
	db = make_db(ROWS)
	assert visible_by_sql(db, evil) == set()


def test_assigned_users_tolerates_bad_json():
	assert assigned_users(None) == []
	assert assigned_users("not json") == []
	assert assigned_users('{"a": 1}') == []
	assert assigned_users('["a@x.com", 3]') == ["a@x.com"]


record = st.fixed_dictionaries(
	{
		"account_manager": st.sampled_from(USERS),
		"sales_team": st.one_of(st.none(), st.sampled_from(TEAMS)),
		"division": st.one_of(st.none(), st.sampled_from(DIVISIONS)),
		"_assign": st.one_of(st.none(), st.lists(st.sampled_from(USERS), max_size=3).map(json.dumps)),
		"in_pool": st.sampled_from([0, 1]),
	}
)
scope = st.builds(
	Scope,
	user=st.sampled_from(USERS),
	unrestricted=st.booleans(),
	teams=st.frozensets(st.sampled_from(TEAMS)),
	divisions=st.frozensets(st.sampled_from(DIVISIONS)),
	served_divisions=st.frozensets(st.sampled_from(DIVISIONS)),
	pool_divisions=st.frozensets(st.sampled_from(DIVISIONS)),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(record, min_size=1, max_size=12), scope)
def test_sql_condition_and_python_predicate_agree(records, sc):
	rows = [dict(r, name=f"C{i}") for i, r in enumerate(records)]
	db = make_db(rows)
	assert visible_by_sql(db, sc) == {r["name"] for r in rows if can_read(sc, r)}
	assert visible_by_sql(db, sc, for_write=True) == {r["name"] for r in rows if can_write(sc, r)}


@given(record, scope)
def test_a_rep_without_team_or_division_sees_only_own_or_assigned(rec, sc):
	plain = Scope(sc.user)
	expected = rec["account_manager"] == sc.user or sc.user in assigned_users(rec["_assign"])
	assert can_read(plain, rec) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(record, min_size=1, max_size=12), scope)
def test_naming_the_assigned_customers_gives_the_same_answers(records, sc):
	"""The shell names a user's assigned customers (their open ToDos, which `_assign` mirrors)."""
	rows = [dict(r, name=f"C{i}") for i, r in enumerate(records)]
	named = replace(
		sc, assigned=frozenset(r["name"] for r in rows if sc.user in assigned_users(r["_assign"]))
	)
	db = make_db(rows)
	assert visible_by_sql(db, named) == {r["name"] for r in rows if can_read(sc, r)}
	assert visible_by_sql(db, named, for_write=True) == {r["name"] for r in rows if can_write(sc, r)}


def test_named_assignments_replace_the_assign_column_test():
	sql = condition_sql(Scope("rep.a@x.com", assigned=frozenset()), "`t`", sqlite_escape)
	assert sql == "(`t`.`account_manager` = 'rep.a@x.com')"  # a rep's list can use one index
	sql = condition_sql(Scope("rep.a@x.com", assigned=frozenset({"C2", "C1"})), "`t`", sqlite_escape)
	assert sql == "(`t`.`account_manager` = 'rep.a@x.com' or `t`.`name` in ('C1', 'C2'))"
	assert "_assign" in condition_sql(Scope("rep.a@x.com"), "`t`", sqlite_escape)


@settings(max_examples=200, deadline=None)
@given(st.lists(record, min_size=1, max_size=12), scope, st.sets(st.integers(0, 11)))
def test_named_assignments_are_the_only_assignments(records, sc, assigned_idx):
	"""Once the shell has read the open assignments, the `_assign` copy on the row grants nothing:
	a row that lists the user in `_assign` (written by anybody) is judged by the ToDos alone, and
	the Python predicate and the SQL condition still agree."""
	rows = [dict(r, name=f"C{i}") for i, r in enumerate(records)]
	assigned = frozenset(f"C{i}" for i in assigned_idx if i < len(rows))
	named = replace(sc, assigned=assigned)
	db = make_db(rows)
	assert visible_by_sql(db, named) == {r["name"] for r in rows if can_read(named, r)}
	assert visible_by_sql(db, named, for_write=True) == {r["name"] for r in rows if can_write(named, r)}


def test_a_forged_assign_column_grants_nothing_when_assignments_are_known():
	row = {"name": "C9", "account_manager": "rep.b@x.com", "sales_team": "South", "division": "Retail"}
	forged = dict(row, _assign=json.dumps(["rep.a@x.com"]))
	assert not can_write(Scope("rep.a@x.com", assigned=frozenset()), forged)
	assert can_write(Scope("rep.a@x.com", assigned=frozenset({"C9"})), row)
	assert can_write(Scope("rep.a@x.com"), forged)  # assignments not read: the column is the answer


# ---------------------------------------------------------------- the pool (公海)

POOL_ROWS = [
	{
		"name": "P1",
		"account_manager": None,
		"sales_team": None,
		"division": "Logistics",
		"_assign": None,
		"in_pool": 1,
	},
	{
		"name": "P2",
		"account_manager": None,
		"sales_team": None,
		"division": "Retail",
		"_assign": None,
		"in_pool": 1,
	},
	# Not in the pool: a division's record stays its owner's even for the division's reps.
	{
		"name": "P3",
		"account_manager": "rep.b@x.com",
		"sales_team": "South",
		"division": "Logistics",
		"_assign": None,
		"in_pool": 0,
	},
]


def test_a_rep_reads_their_divisions_pool_and_never_anothers():
	db = make_db(POOL_ROWS)
	rep = build_scope("rep.a@x.com", ["CRM Sales User"], pool_divisions=["Logistics"])
	assert rep.pool_divisions == {"Logistics"}
	assert visible_by_sql(db, rep) == {"P1"} == {r["name"] for r in POOL_ROWS if can_read(rep, r)}
	# Read only: a pool row is made one's own by a claim, never edited in place.
	assert visible_by_sql(db, rep, for_write=True) == set()
	assert not can_write(rep, POOL_ROWS[0])
	# Service staff do not see a pool of their own (they read the divisions they serve anyway).
	agent = build_scope("agent@x.com", ["CRM Service Agent"], pool_divisions=["Retail"])
	assert agent.pool_divisions == frozenset() and visible_by_sql(db, agent) == set()


def test_without_pool_divisions_the_condition_names_no_pool_column():
	"""DocTypes without a pool (opportunities, records of a customer) get scopes without pool divisions."""
	assert "in_pool" not in condition_sql(Scope("rep.a@x.com"), "`t`", sqlite_escape)
	with_pool = Scope("rep.a@x.com", pool_divisions=frozenset({"Retail"}))
	assert "in_pool" in condition_sql(with_pool, "`t`", sqlite_escape)
	assert "in_pool" not in condition_sql(with_pool, "`t`", sqlite_escape, for_write=True)
