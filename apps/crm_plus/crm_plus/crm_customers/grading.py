"""Grading shell: gathers activity with one aggregate query, grades with crm_plus.domain.grading,
and writes back in bulk (never a document save per customer).

Quantiles: the full pass (nightly, or the regrade button) computes the cut points of the whole base
and stores them in CRM Plus Settings (`quantile_cut_points`); a single customer's save grades that
customer only, against the stored cut points. When none are stored (the method or the window was
just changed), the first save computes them once from one aggregate query and stores them.

The admin's formula never makes a save or the regrade fail: a customer whose formula fails keeps
its grade (the rule is in the domain), and each pass writes one Error Log summarising the failures.
"""

import dataclasses
import json
from datetime import date, timedelta

import frappe
from frappe import _
from frappe.utils import cint, flt, getdate, now_datetime, today

from crm_plus.domain import formula as formulas
from crm_plus.domain import grading
from crm_plus.domain.roles import ADMIN, GRADE_OVERRIDE_ROLES, SYSTEM_MANAGER
from crm_plus.organisation import team_manager
from crm_plus.stored_text import clean_text
from crm_plus.utils import bulk_insert_logs

CHUNK = 1000
GRADE_FIELDS = ("grade", "suggested_grade", "grade_score", "r_score", "f_score", "m_score", "p_score")
STAT_FIELDS = (
	"first_transaction_date",
	"last_transaction_date",
	"transaction_count",
	"total_sales",
	"total_profit",
)
# What a regrade writes on a customer (a form reloads these after it).
REGRADED_FIELDS = (*GRADE_FIELDS, *STAT_FIELDS, "graded_on")


def config_messages() -> dict[str, str]:
	return {
		"limits_missing": _("Please give the four limits of {0}"),
		"limits_need_four": _("{0} needs exactly four limits, separated by commas"),
		"limits_not_numbers": _("{0} must be non-negative numbers separated by commas"),
		"limits_not_increasing": _("The limits of {0} must increase from left to right"),
		"unknown_method": _("Unknown scoring method {0}"),
		"window_not_positive": _("The scoring window must be at least one day"),
		"negative_weight": _("Weights cannot be negative"),
		"no_weight": _("Give at least one of the recency, frequency, monetary or profit weights"),
		"bad_formula": _("The score formula is not valid: {0}"),
		"formula_fails": _("The score formula fails for a customer with {0}: {1}"),
		"no_tiers": _("Please create at least one customer grade"),
		"duplicate_tier": _("Two customer grades have the same name"),
		"tier_score_out_of_range": _("A grade's minimum score must be between 0 and 100"),
	}


def config_error_message(error: grading.GradingConfigError) -> str:
	labels = {
		"recency_limits": _("Recency Limits (Days)"),
		"frequency_limits": _("Frequency Limits (Purchases)"),
		"monetary_limits": _("Monetary Limits (Sales)"),
		"profit_limits": _("Profit Limits (Gross Profit)"),
	}
	template = config_messages().get(error.code, error.code)
	if error.code == "formula_fails":
		sample = ", ".join(f"{key} = {error.sample[key]:g}" for key in FORMULA_SAMPLE_ORDER)
		return template.format(sample, formula_error_message(error.formula_error))
	if error.formula_error is not None:
		return template.format(formula_error_message(error.formula_error))
	return template.format(labels.get(error.detail, error.detail))


FORMULA_SAMPLE_ORDER = (
	*grading.SCORE_KEYS,
	*grading.FACTOR_KEYS,
	"sales",
	"profit",
	"purchases",
	"days_since_last",
)


def formula_error_message(error: formulas.FormulaError) -> str:
	"""What a FormulaError code means, for the admin who wrote the formula."""
	detail = error.detail
	messages = {
		"empty_formula": lambda: _("the formula is empty"),
		"formula_too_long": lambda: _("it is longer than {0} characters").format(formulas.MAX_LENGTH),
		"syntax_error": lambda: _("it is not a valid expression ({0})").format(detail),
		"not_allowed": lambda: _("{0} is not allowed").format(f"`{detail}`"),
		"unknown_function": lambda: _("{0} is not a function it may use (min, max, abs, round)").format(
			f"`{detail}`"
		),
		"unknown_variable": lambda: _("{0} is not a variable it may use").format(f"`{detail}`"),
		"too_complex": lambda: _("it has more than {0} parts").format(formulas.MAX_NODES),
		"too_deep": lambda: _("it is nested more than {0} levels deep").format(formulas.MAX_DEPTH),
		"wrong_arguments": lambda: _("{0} is given the wrong number or kind of arguments").format(
			f"`{detail}`"
		),
		"division_by_zero": lambda: _("it divides by zero"),
		"exponent_too_large": lambda: _("an exponent is larger than {0}").format(formulas.MAX_EXPONENT),
		"value_too_large": lambda: _("a value grows larger than {0}").format(f"{formulas.MAX_MAGNITUDE:g}"),
		"not_a_real_number": lambda: _("a negative number is raised to a fractional power"),
		"cannot_evaluate": lambda: _("it cannot be evaluated ({0})").format(detail),
	}
	return messages[error.code]() if error.code in messages else error.code


def load_config(settings=None) -> grading.GradingConfig:
	s = settings or frappe.get_cached_doc("CRM Plus Settings")
	try:
		return grading.GradingConfig(
			method="quantile" if s.scoring_method == "Quantiles" else "fixed",
			window_days=cint(s.grading_window_days) or 365,
			recency_limits=grading.parse_limits(s.recency_thresholds, "recency_limits"),
			frequency_limits=grading.parse_limits(s.frequency_thresholds, "frequency_limits"),
			monetary_limits=grading.parse_limits(s.monetary_thresholds, "monetary_limits"),
			profit_limits=grading.parse_limits(s.profit_thresholds, "profit_limits"),
			weights={
				"r": flt(s.weight_recency),
				"f": flt(s.weight_frequency),
				"m": flt(s.weight_monetary),
				"p": flt(s.weight_profit),
				"credit": flt(s.weight_credit),
				"strategic": flt(s.weight_strategic),
			},
			formula=(s.grade_formula or "").strip() or None,
		)
	except grading.GradingConfigError as e:
		frappe.throw(config_error_message(e), title=_("Grading settings"))


def load_tiers() -> list[grading.Tier]:
	rows = frappe.get_all("CRM Customer Grade", fields=["name", "min_score", "rank", "notify_on_downgrade"])
	return [grading.Tier(r.name, flt(r.min_score), cint(r.rank)) for r in rows]


def gather(names: list[str] | None, as_of: date, window_days: int) -> list[dict]:
	"""One aggregate query: per active customer, activity in the window and lifetime totals."""
	window_start = as_of - timedelta(days=window_days)
	names_condition = ""
	if names is not None:
		if not names:
			return []
		names_condition = "and c.name in %(names)s"
	return frappe.db.sql(
		f"""
		select c.name, c.grade, c.suggested_grade, c.grade_score, c.r_score, c.f_score, c.m_score, c.p_score,
			c.grade_locked, c.account_manager, c.sales_team, c.customer_name,
			c.credit_factor, c.strategic_factor,
			c.first_transaction_date as old_first, c.last_transaction_date as old_last,
			c.transaction_count as old_count, c.total_sales as old_sales, c.total_profit as old_profit,
			sum(case when t.posting_date >= %(start)s and t.posting_date <= %(as_of)s and t.is_return = 0
				then 1 else 0 end) as purchases,
			sum(case when t.posting_date >= %(start)s and t.posting_date <= %(as_of)s
				then t.amount else 0 end) as sales,
			sum(case when t.posting_date >= %(start)s and t.posting_date <= %(as_of)s
				then t.gross_profit else 0 end) as profit,
			max(case when t.is_return = 0 and t.posting_date <= %(as_of)s then t.posting_date end) as last_purchase,
			min(t.posting_date) as first_transaction_date, max(t.posting_date) as last_transaction_date,
			count(t.name) as transaction_count, sum(t.amount) as total_sales, sum(t.gross_profit) as total_profit
		from `tabCRM Customer` c
		left join `tabCRM Customer Transaction` t on t.customer = c.name
		where c.disabled = 0 {names_condition}
		group by c.name
		""",
		{"start": window_start, "as_of": as_of, "names": tuple(names or ())},
		as_dict=True,
	)


def to_activity(row) -> grading.Activity:
	return grading.Activity(
		customer=row.name,
		purchases=cint(row.purchases),
		sales=flt(row.sales),
		profit=flt(row.profit),
		last_purchase=getdate(row.last_purchase) if row.last_purchase else None,
		credit=grading.rating_to_stars(row.credit_factor),
		strategic=grading.rating_to_stars(row.strategic_factor),
		grade=row.grade,
		score=row.grade_score,
	)


CUT_POINTS_FIELD = "quantile_cut_points"


def stored_cut_points(window_days: int) -> dict | None:
	"""The cut points the last full pass stored, when they were computed for this window."""
	text = frappe.db.get_single_value("CRM Plus Settings", CUT_POINTS_FIELD, cache=False)
	try:
		stored = json.loads(text) if text else None
	except ValueError:
		return None
	if not isinstance(stored, dict) or cint(stored.get("window_days")) != window_days:
		return None
	return grading.parse_cut_points(stored)


def store_cut_points(cuts: dict, window_days: int, as_of: date, customers: int) -> None:
	"""Kept in CRM Plus Settings (read-only there), without touching its `modified`."""
	value = {
		"as_of": str(as_of),
		"window_days": window_days,
		"customers": customers,
		**{key: list(cuts[key]) for key in grading.SCORE_KEYS},
	}
	frappe.db.set_single_value(
		"CRM Plus Settings", CUT_POINTS_FIELD, json.dumps(value), update_modified=False
	)


def cut_points_for_one(config: grading.GradingConfig, as_of: date) -> dict:
	"""The stored cut points; computed once from one aggregate query over the base when none are."""
	cuts = stored_cut_points(config.window_days)
	if cuts is None:
		rows = gather(None, as_of, config.window_days)
		cuts = grading.quantile_cut_points([to_activity(r) for r in rows], as_of)
		store_cut_points(cuts, config.window_days, as_of, len(rows))
	return cuts


def regrade_customers(names: list[str] | None = None, source: str = "Regrade", as_of=None) -> dict:
	"""Grade the given customers (all active ones when names is None) and write back what changed.

	Returns counts: graded, changed, downgrades. Idempotent: a second run changes nothing.
	"""
	config = load_config()
	tiers = load_tiers()
	if not tiers:
		return {"graded": 0, "changed": 0, "downgrades": 0}
	as_of = getdate(as_of or today())
	rows = gather(names, as_of, config.window_days)
	activities = [to_activity(r) for r in rows]
	if config.method == "quantile":
		# The full pass ranks the whole base and stores its cut points; one customer is scored
		# against the stored ones (never the whole book inside one save).
		if names is None:
			cuts = grading.quantile_cut_points(activities, as_of)
			store_cut_points(cuts, config.window_days, as_of, len(rows))
		else:
			cuts = cut_points_for_one(config, as_of)
		config = dataclasses.replace(config, cut_points=cuts)
	results = {r.customer: r for r in grading.grade_customers(activities, config, tiers, as_of)}
	log_formula_failures([r for r in results.values() if r.error], len(rows), config.formula)
	notify_tiers = set(frappe.get_all("CRM Customer Grade", {"notify_on_downgrade": 1}, pluck="name"))

	updates, logs, downgrades = [], [], []
	now = now_datetime()
	for row in rows:
		result = results[row.name]
		new = {
			# A customer whose formula failed keeps its grade and score (result.grade is the old one).
			"suggested_grade": row.suggested_grade if result.error else result.grade,
			"grade": row.grade if row.grade_locked else result.grade,
			"grade_score": result.score,
			"r_score": result.scores["r"],
			"f_score": result.scores["f"],
			"m_score": result.scores["m"],
			"p_score": result.scores["p"],
			"first_transaction_date": row.first_transaction_date,
			"last_transaction_date": row.last_transaction_date,
			"transaction_count": cint(row.transaction_count),
			"total_sales": flt(row.total_sales),
			"total_profit": flt(row.total_profit),
		}
		old = {f: row.get(f) for f in GRADE_FIELDS} | {
			"first_transaction_date": row.old_first,
			"last_transaction_date": row.old_last,
			"transaction_count": cint(row.old_count),
			"total_sales": flt(row.old_sales),
			"total_profit": flt(row.old_profit),
		}
		if not _changed(old, new):
			continue
		updates.append((row.name, new))
		if new["grade"] != row.grade:
			down = grading.is_downgrade(row.grade, new["grade"], tiers)
			logs.append((row.name, row.grade, new["grade"], result.score, source, down))
			if down and row.grade in notify_tiers:
				downgrades.append((row, new["grade"]))

	for start in range(0, len(updates), CHUNK):
		chunk = updates[start : start + CHUNK]
		_bulk_update(chunk, now)
		chunk_names = {name for name, _values in chunk}
		_insert_logs([log for log in logs if log[0] in chunk_names], now)
		_notify_downgrades([d for d in downgrades if d[0].name in chunk_names])
		if names is None and not frappe.flags.in_test:
			frappe.db.commit()  # each chunk is whole: a killed job leaves no half-graded chunk
			frappe.publish_progress(
				(start + len(chunk)) * 100 / len(updates), title=_("Regrading customers"), description=None
			)
	return {"graded": len(rows), "changed": len(updates), "downgrades": len(downgrades)}


def log_formula_failures(failed: list, graded: int, formula: str | None) -> None:
	"""One Error Log per pass, however many customers the formula failed for."""
	if not failed:
		return
	by_code: dict[str, list[str]] = {}
	for result in failed:
		by_code.setdefault(result.error, []).append(result.customer)
	lines = [
		_("The score formula could not be evaluated for {0} of {1} customers; they kept their grade.").format(
			len(failed), graded
		),
		_("Formula: {0}").format(formula),
	]
	for code, customers in sorted(by_code.items()):
		shown = ", ".join(customers[:20]) + (" ..." if len(customers) > 20 else "")
		lines.append(f"{code} ({len(customers)}): {shown}")
	frappe.log_error(title=FORMULA_FAILED_TITLE, message="\n".join(lines))


FORMULA_FAILED_TITLE = "Customer grading: score formula failed"


def _changed(old: dict, new: dict) -> bool:
	for key, value in new.items():
		before = old.get(key)
		if isinstance(value, float) or isinstance(before, float):
			if abs(flt(value) - flt(before)) > 0.005:
				return True
		elif (str(before) if before is not None else None) != (str(value) if value is not None else None):
			return True
	return False


def _bulk_update(chunk: list[tuple[str, dict]], now) -> None:
	"""One UPDATE per chunk, joined to the new values as a derived table (values escaped).

	A join finds each row's values once; a CASE per column would compare every row with the whole
	chunk, which is what made large chunks slow."""
	if not chunk:
		return
	fields = (*GRADE_FIELDS, *STAT_FIELDS)
	rows = []
	for i, (name, values) in enumerate(chunk):
		cells = [frappe.db.escape(name), *(_sql_value(values[f]) for f in fields)]
		if i == 0:
			cells = [f"{cell} as `{col}`" for cell, col in zip(cells, ("name", *fields), strict=True)]
		rows.append("select " + ", ".join(cells))
	assignments = ", ".join(f"c.`{f}` = v.`{f}`" for f in fields)
	frappe.db.sql(
		f"""update `tabCRM Customer` c join ({" union all ".join(rows)}) v on v.`name` = c.`name`
		set {assignments}, c.`graded_on` = {frappe.db.escape(str(now))}"""
	)


def _sql_value(value) -> str:
	if value is None:
		return "null"
	if isinstance(value, int | float):
		return repr(float(value)) if isinstance(value, float) else str(value)
	return frappe.db.escape(str(value))


def _insert_logs(logs: list[tuple], now) -> None:
	user = frappe.session.user
	bulk_insert_logs(
		"CRM Customer Grade Log",
		["customer", "from_grade", "to_grade", "score", "source", "is_downgrade", "changed_at", "changed_by"],
		[
			(customer, old, new, score, source, int(down), now, user)
			for customer, old, new, score, source, down in logs
		],
	)


def _notify_downgrades(downgrades: list) -> None:
	"""Tell the account manager's manager (their team's manager) that a top customer was downgraded,
	in the bell and by email (crm_plus.notifications.notify)."""
	from crm_plus.notifications import notify

	for row, new_grade in downgrades:
		subject = _("Customer {0} was downgraded from {1} to {2}").format(
			row.customer_name, _(row.grade), _(new_grade)
		)
		for user in sorted(u for u in {team_manager(row.sales_team), row.account_manager} if u):
			notify(user, "CRM Customer", row.name, subject)


def nightly_regrade():
	"""Scheduled (daily_long): regrade every active customer, set-based."""
	return regrade_customers(None, source="Regrade")


@frappe.whitelist()
def enqueue_regrade() -> None:
	"""Start a regrade of all customers as a long background job (from CRM Plus Settings)."""
	if not set(frappe.get_roles()) & {ADMIN, SYSTEM_MANAGER}:
		frappe.throw(_("Only CRM admins can start a regrade of all customers"), frappe.PermissionError)
	frappe.enqueue(
		"crm_plus.crm_customers.grading.nightly_regrade",
		queue="long",
		job_id="crm_plus_regrade",
		deduplicate=True,
		timeout=3600,
	)
	frappe.msgprint(_("Regrading of all customers has started in the background"), alert=True)


@frappe.whitelist()
def override_grade(customer: str, grade: str | None, reason: str) -> dict:
	"""Set a customer's grade by hand (or give it back to the scores with an empty grade)."""
	if not set(frappe.get_roles()) & GRADE_OVERRIDE_ROLES:
		frappe.throw(_("Only sales managers and CRM admins can set a grade by hand"), frappe.PermissionError)
	doc = frappe.get_doc("CRM Customer", customer)
	doc.check_permission("write")
	# Written without a document save, so sanitised here as a save would (the form shows it as HTML).
	reason = clean_text((reason or "").strip())
	if not reason:
		frappe.throw(_("Please give a reason for the manual grade"))
	if grade and not frappe.db.exists("CRM Customer Grade", grade):
		frappe.throw(_("Customer grade {0} does not exist").format(grade))
	old = doc.grade
	new = grade or doc.suggested_grade
	frappe.db.set_value(
		"CRM Customer",
		customer,
		{
			"grade": new,
			"grade_locked": 1 if grade else 0,
			"grade_override_reason": reason if grade else None,
		},
	)
	if old != new:
		tiers = load_tiers()
		_insert_logs(
			[(customer, old, new, doc.grade_score, "Manual", grading.is_downgrade(old, new, tiers))],
			now_datetime(),
		)
		frappe.db.set_value(
			"CRM Customer Grade Log",
			frappe.db.get_value(
				"CRM Customer Grade Log", {"customer": customer}, "name", order_by="creation desc, name desc"
			),
			"reason",
			reason,
		)
	return frappe.db.get_value(
		"CRM Customer", customer, ["grade", "grade_locked", "grade_override_reason"], as_dict=True
	)
