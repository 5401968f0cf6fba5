"""Values of the workspace's custom number cards, filtered by the viewer's data permissions."""

import frappe
from frappe.utils import get_first_day, today

from crm_plus.crm_visits.followups import followups_overdue
from crm_plus.domain.performance import rate
from crm_plus.report_scope import customer_condition
from crm_plus.security.scope import get_scope


@frappe.whitelist()
@frappe.read_only()
def overdue_followups(filters: str | dict | list | None = None) -> dict:
	"""Customers the viewer may see that nobody has followed up within the configured interval."""
	return {"value": len(followups_overdue(scope=get_scope())), "fieldtype": "Int"}


@frappe.whitelist()
@frappe.read_only()
def csat_this_month(filters: str | dict | list | None = None) -> dict:
	"""Share of satisfaction answers of 4 or 5 this month, on customers the viewer may see."""
	answers, satisfied = frappe.db.sql(
		f"""
		select count(*), coalesce(sum(a.score >= 4), 0)
		from `tabCRM Survey Answer` a
		join `tabCRM Survey Response` r on r.name = a.parent and a.parenttype = 'CRM Survey Response'
		join `tabCRM Customer` c on c.name = r.customer
		where a.question_type = 'Satisfaction' and r.submitted_at >= %(start)s and {customer_condition("c")}
		""",
		{"start": get_first_day(today())},
	)[0]
	return {"value": rate(satisfied, answers) or 0, "fieldtype": "Percent"}
