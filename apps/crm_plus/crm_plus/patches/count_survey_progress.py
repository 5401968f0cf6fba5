"""Survey campaigns keep their progress as counters (`crm_surveys.progress`): the campaigns stored before
get their counters, and the figures computed from them, by one full recount each."""

import frappe

from crm_plus.crm_surveys.progress import recount


def execute():
	for campaign in frappe.get_all("CRM Survey Campaign", pluck="name"):
		recount(campaign)
