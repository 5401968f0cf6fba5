"""A survey campaign's progress (invited, opened, answered, response rate, average score, CSAT, NPS),
kept as counters on the campaign's row: whatever changes an invitation's status or stores a response adds
its difference (`count`) in its own transaction, and the figures are computed from the counters
(`domain.surveys.progress_figures`), so an answer or a page view costs one row's update, not a recount.

Locks, always in one order: the invitation (or the response) first, the campaign's row last; nothing
reads with share locks. The full recount (`recount`: campaign start, repair, the daily pass, the patch)
locks the campaign's row and then counts without locks in a snapshot taken after it: every change
committed before it is counted, every change waiting for the row adds its difference after it."""

import frappe
from frappe import _
from frappe.utils import flt

from crm_plus.domain import surveys

CAMPAIGN = "CRM Survey Campaign"
FIGURES = ("response_rate", "average_score", "csat", "nps")


def count(campaign: str | None, changes: dict[str, int]) -> None:
	"""Add `changes` (counter -> difference) to the campaign's counters and set its figures from them, in
	the caller's transaction, after the caller has locked (or inserted) what changed. The update adds to
	the row as committed and holds its lock to the commit, so concurrent changes add up, one at a time."""
	changes = {key: int(value) for key, value in changes.items() if value}
	unknown = set(changes) - set(surveys.PROGRESS_COUNTERS)
	if unknown:
		raise ValueError(f"not a progress counter: {sorted(unknown)}")
	if not campaign or not changes:
		return
	added = ", ".join(f"`{key}` = `{key}` + %({key})s" for key in changes)
	frappe.db.sql(
		f"update `tabCRM Survey Campaign` set {added} where name = %(campaign)s",
		{**changes, "campaign": campaign},
	)
	counters = frappe.db.sql(
		f"select {', '.join(surveys.PROGRESS_COUNTERS)} from `tabCRM Survey Campaign` where name = %s for update",
		campaign,
		as_dict=True,
	)
	if counters:  # a campaign deleted meanwhile has nothing to count
		frappe.db.set_value(CAMPAIGN, campaign, figures_of(counters[0]), update_modified=False)


def count_move(old_campaign: str | None, old: dict, new_campaign: str | None, new: dict) -> None:
	"""A record edited or moved between campaigns: `old` (its counts taken away) counted in the campaign
	it was in, `new` in the one it is in; two campaigns' rows are locked in the order of their names."""
	moves: dict[str, dict[str, int]] = {}
	for campaign, changes in ((old_campaign, old), (new_campaign, new)):
		if campaign:
			moved = moves.setdefault(campaign, {})
			for key, value in changes.items():
				moved[key] = moved.get(key, 0) + value
	for campaign in sorted(moves):
		count(campaign, moves[campaign])


def figures_of(counters: dict) -> dict:
	"""The figures stored on the campaign (0 where there is nothing to compute, as the form shows it)."""
	figures = surveys.progress_figures(counters)
	return {key: flt(figures[key]) for key in FIGURES}


def response_sums(answers) -> dict[str, int]:
	"""The answer sums (domain.surveys.answer_sums) of one response's answer rows."""
	scores = {"Satisfaction": [], "NPS": []}
	for row in answers:
		if row.get("question_type") in scores and row.get("score") is not None:
			scores[row.get("question_type")].append(int(row.get("score")))
	return surveys.answer_sums(scores["Satisfaction"], scores["NPS"])


def recount(campaign: str) -> dict:
	"""Count the campaign's invitations and answers afresh and store the counters and figures; returns
	the counters. Runs in a transaction of its own: it commits what came before, so that the snapshot
	it counts in is taken after the campaign's row is locked (a locking read takes no snapshot)."""
	frappe.db.commit()
	if not frappe.db.sql("select name from `tabCRM Survey Campaign` where name = %s for update", campaign):
		return {}
	by_status = dict(
		frappe.db.sql(
			"select status, count(*) from `tabCRM Survey Invitation` where campaign = %s group by status",
			campaign,
		)
	)
	counters = {key: 0 for key in surveys.PROGRESS_COUNTERS}
	for status, invitations in by_status.items():
		for key, value in surveys.status_counts(status or "Pending").items():
			counters[key] += value * invitations
	scores = frappe.db.sql(
		"""select a.question_type, a.score from `tabCRM Survey Answer` a
		join `tabCRM Survey Response` r on r.name = a.parent and a.parenttype = 'CRM Survey Response'
		where r.campaign = %s and a.question_type in ('Satisfaction', 'NPS') and a.score is not null""",
		campaign,
		as_dict=True,
	)
	counters.update(response_sums(scores))
	frappe.db.set_value(CAMPAIGN, campaign, counters | figures_of(counters), update_modified=False)
	frappe.db.commit()
	return counters


def recount_running() -> int:
	"""Daily, and as the repair after a change made past the app (an import, SQL): every running
	campaign recounted, each in its own transaction; a failure is logged and the others go on."""
	done = 0
	for campaign in frappe.get_all(CAMPAIGN, {"status": "Running"}, pluck="name"):
		try:
			recount(campaign)
			done += 1
		except Exception:
			frappe.db.rollback()
			frappe.log_error(title=_("CRM Plus: the recount of survey campaign {0} failed").format(campaign))
	return done
