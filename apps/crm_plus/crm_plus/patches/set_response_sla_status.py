import frappe
from frappe.utils import now_datetime

from crm_plus.crm_complaints.service_level import OPEN_STATUSES, calendar_of, response_state_of


def execute():
	"""Complaints stored before the first response had a state of its own: judge it once, from what
	they store, and write it set-based (one UPDATE per state and chunk). Open complaints already answered,
	late, do not climb the response ladder for the past: their level is set to what the state calls
	for, without alerts. Open complaints still unanswered are left to the job, which alerts on them."""
	from crm_plus.domain import escalation

	rows = frappe.db.sql(
		"""select name, status, received_at, first_response_at, resolved_at, sla_policy
		from `tabCRM Complaint` where sla_policy is not null and response_sla_status is null""",
		as_dict=True,
	)
	now, policies, by_state, levels = now_datetime(), {}, {}, {}
	for row in rows:
		if row.sla_policy not in policies:
			exists = frappe.db.exists("CRM SLA Policy", row.sla_policy)
			policy = frappe.get_doc("CRM SLA Policy", row.sla_policy) if exists else None
			policies[row.sla_policy] = (policy, calendar_of(policy) if policy else None)
		policy, calendar = policies[row.sla_policy]
		if not policy:
			continue
		state, late = response_state_of(row, policy, calendar, now)
		by_state.setdefault(state, []).append(row.name)
		steps = escalation.response_escalation_steps(0, state, late, policy.manager_after_minutes or 0)
		if steps and row.first_response_at and row.status in OPEN_STATUSES:
			levels.setdefault(steps[-1].level, []).append(row.name)
	for state, names in by_state.items():
		for chunk in frappe.utils.create_batch(names, 1000):
			frappe.db.sql(
				"update `tabCRM Complaint` set response_sla_status = %s where name in %s",
				(state, tuple(chunk)),
			)
	for level, names in levels.items():
		for chunk in frappe.utils.create_batch(names, 1000):
			frappe.db.sql(
				"update `tabCRM Complaint` set response_escalation_level = %s where name in %s",
				(level, tuple(chunk)),
			)
