"""Who may see and edit which customer (MISSION section 3), as one rule used two ways.

`build_scope` turns a user's roles and place in the organisation into a Scope. The Scope answers
for one record in Python (`can_read`, `can_write`: the deny-only has_permission hook) and renders
the same rule as an SQL condition (`condition_sql`: permission_query_conditions for lists,
reports, link search, counts and exports). Tests hold the two to the same answers.

- A sales rep sees the customers they manage or that are assigned to them.
- A sales team's manager sees the customers of that team and of every team below it.
- A division head sees the customers of their division; divisions never see each other.
- Service staff read (never edit) the customers of the divisions they serve.
- Executives and CRM admins see everything.
- A record back in its division's pool (公海: `in_pool`, no owner) is read (never edited) by the
  sales staff of that division (`pool_divisions`): they claim it to make it theirs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from crm_plus.domain.roles import DIVISION_HEAD, SALES_MANAGER, SALES_USER, SERVICE_ROLES, UNRESTRICTED_ROLES

# Roles that read their division's pool.
SALES_ROLES = frozenset({SALES_USER, SALES_MANAGER, DIVISION_HEAD})


@dataclass(frozen=True)
class Scope:
	user: str
	unrestricted: bool = False
	teams: frozenset[str] = frozenset()  # sales teams managed, with every team below them
	divisions: frozenset[str] = frozenset()  # divisions headed
	served_divisions: frozenset[str] = frozenset()  # divisions served (read only)
	# The customers assigned to the user (open ToDos: what Frappe's `_assign` column lists), when the
	# shell has read them. The SQL condition then names them, so that a rep's list can walk the
	# (account_manager, modified) index instead of testing `_assign` on every row. None: not read.
	assigned: frozenset[str] | None = None
	# Divisions whose pool the user reads: those of the teams they belong to or manage, and those they
	# head. Set by the shell only for DocTypes with a pool (an `in_pool` column).
	pool_divisions: frozenset[str] = frozenset()


def build_scope(
	user: str,
	roles: Iterable[str],
	managed_teams: Iterable[str] = (),
	headed_divisions: Iterable[str] = (),
	served_divisions: Iterable[str] = (),
	assigned: Iterable[str] | None = None,
	pool_divisions: Iterable[str] = (),
) -> Scope:
	roles = set(roles)
	if user == "Administrator" or roles & UNRESTRICTED_ROLES:
		return Scope(user, unrestricted=True)
	return Scope(
		user,
		teams=frozenset(managed_teams),
		divisions=frozenset(headed_divisions),
		served_divisions=frozenset(served_divisions) if roles & SERVICE_ROLES else frozenset(),
		assigned=None if assigned is None else frozenset(assigned),
		pool_divisions=frozenset(pool_divisions) if roles & SALES_ROLES else frozenset(),
	)


def assigned_users(assign_json: str | None) -> list[str]:
	"""The users in Frappe's `_assign` column (a JSON list of user ids)."""
	try:
		users = json.loads(assign_json or "[]")
	except ValueError:
		return []
	return [u for u in users if isinstance(u, str)] if isinstance(users, list) else []


def can_write(scope: Scope, record: dict) -> bool:
	"""May the user edit this customer? `record` has name, account_manager, sales_team, division, _assign."""
	if scope.unrestricted:
		return True
	if record.get("account_manager") == scope.user:
		return True
	if scope.assigned is not None:
		# The open assignments the shell read (ToDos), never the `_assign` copy stored on the row.
		if record.get("name") in scope.assigned:
			return True
	elif scope.user in assigned_users(record.get("_assign")):
		return True
	if record.get("sales_team") and record.get("sales_team") in scope.teams:
		return True
	return bool(record.get("division") and record.get("division") in scope.divisions)


def in_pool_of(scope: Scope, record: dict) -> bool:
	"""Is the record in the pool of one of the user's divisions?"""
	return bool(
		record.get("in_pool") and record.get("division") and record.get("division") in scope.pool_divisions
	)


def can_read(scope: Scope, record: dict) -> bool:
	if can_write(scope, record):
		return True
	if in_pool_of(scope, record):
		return True
	return bool(record.get("division") and record.get("division") in scope.served_divisions)


def condition_sql(scope: Scope, table: str, escape: Callable[[str], str], for_write: bool = False) -> str:
	"""The rule as an SQL condition on `table` (e.g. "`tabCRM Customer`"); "" when unrestricted.

	`escape` quotes a value for SQL (frappe.db.escape in the shell). Assigned customers are named
	when the scope knows them; otherwise the `_assign` test matches the JSON-quoted user id with
	instr() rather than LIKE, so that no character of an id acts as a wildcard and one user's id
	cannot match inside another's.
	"""
	if scope.unrestricted:
		return ""

	def values(items: Iterable[str]) -> str:
		return ", ".join(escape(v) for v in sorted(items))

	parts = [f"{table}.`account_manager` = {escape(scope.user)}"]
	if scope.assigned is None:
		parts.append(f"instr(ifnull({table}.`_assign`, ''), {escape(json.dumps(scope.user))}) > 0")
	elif scope.assigned:
		parts.append(f"{table}.`name` in ({values(scope.assigned)})")
	if scope.teams:
		parts.append(f"{table}.`sales_team` in ({values(scope.teams)})")
	divisions = set(scope.divisions) | (set() if for_write else set(scope.served_divisions))
	if divisions:
		parts.append(f"{table}.`division` in ({values(divisions)})")
	if scope.pool_divisions and not for_write:
		parts.append(f"({table}.`in_pool` = 1 and {table}.`division` in ({values(scope.pool_divisions)}))")
	return "(" + " or ".join(parts) + ")"


def linked_condition_sql(
	scope: Scope, table: str, customer_field: str, escape: Callable[[str], str], customer_table: str
) -> str:
	"""The rule for records that belong to a customer (transactions, logs, visits, complaints)."""
	inner = condition_sql(scope, f"`{customer_table}`", escape)
	if not inner:
		return ""
	return f"{table}.`{customer_field}` in (select `name` from `{customer_table}` where {inner})"
