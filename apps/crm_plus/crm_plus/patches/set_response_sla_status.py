import frappe
from frappe.utils import now_datetime

from crm_plus.crm_complaints.service_level import calendar_of, response_state_of


def execute():
	"""Complaints stored before the first response had a state of its own: judge it once, from what
	they store, and write it set-based (one UPDATE per state and chunk). Answered complaints never
	climb the response ladder; open ones still unanswered are left to the job, which alerts on them."""
	rows = frappe.db.sql(
		"""select name, status, received_at, first_response_at, resolved_at, sla_policy
		from `tabCRM Complaint` where sla_policy is not null and response_sla_status is null""",
		as_dict=True,
	)
	now, policies, by_state = now_datetime(), {}, {}
	for row in rows:
		if row.sla_policy not in policies:
			exists = frappe.db.exists("CRM SLA Policy", row.sla_policy)
			policy = frappe.get_doc("CRM SLA Policy", row.sla_policy) if exists else None
			policies[row.sla_policy] = (policy, calendar_of(policy) if policy else None)
		policy, calendar = policies[row.sla_policy]
		if policy:
			by_state.setdefault(response_state_of(row, policy, calendar, now)[0], []).append(row.name)
	for state, names in by_state.items():
		for chunk in frappe.utils.create_batch(names, 1000):
			frappe.db.sql(
				"update `tabCRM Complaint` set response_sla_status = %s where name in %s",
				(state, tuple(chunk)),
			)
