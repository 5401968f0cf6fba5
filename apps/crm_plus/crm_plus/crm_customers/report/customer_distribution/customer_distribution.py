# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt
"""How the customers the viewer may see are distributed by grade, industry, region, status or age."""

import frappe
from frappe import _
from frappe.utils import getdate, today

from crm_plus.domain import composed
from crm_plus.domain.performance import age_band, rate
from crm_plus.report_columns import column
from crm_plus.report_scope import customer_condition, org_condition

DIMENSIONS = {"Grade": "grade", "Industry": "industry", "Region": "region", "Status": "status"}


def labels() -> dict[str, str]:
	"""The groupings and age bands as users read them."""
	return {
		"Grade": _("Grade"),
		"Industry": _("Industry"),
		"Region": _("Region"),
		"Status": _("Status"),
		"Age Band": _("Age Band"),
		"Under 1 year": _("Under 1 year"),
		"1-3 years": _("1-3 years"),
		"3-5 years": _("3-5 years"),
		"5-10 years": _("5-10 years"),
		"10 years or more": _("10 years or more"),
		"Unknown": _("Unknown"),
	}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	dimension = filters.get("group_by") or "Grade"
	where = f"c.disabled = 0 and {customer_condition('c')} and {org_condition(filters, 'c')}"
	if dimension == "Age Band":
		# Counts by start date, banded in Python: one row per distinct date, never per customer.
		counts: dict[str, int] = {}
		for since, n in frappe.db.sql(
			f"select date(coalesce(c.cooperation_since, c.creation)), count(*) from `tabCRM Customer` c where {where} group by 1"
		):
			band = age_band(getdate(since) if since else None, getdate(today()))
			counts[band] = counts.get(band, 0) + n
	elif dimension in DIMENSIONS:
		field = DIMENSIONS[dimension]
		counts = dict(
			frappe.db.sql(
				f"select coalesce(c.`{field}`, ''), count(*) from `tabCRM Customer` c where {where} group by 1"
			)
		)
	else:
		frappe.throw(_("Unknown grouping {0}").format(composed.escape(dimension)))
	total = sum(counts.values())
	rows = [
		{
			"value": labels().get(value) or (_(value) if value else _("Not Set")),
			"customers": n,
			"share": rate(n, total),
		}
		for value, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
	]
	chart = {
		"data": {
			"labels": [r["value"] for r in rows],
			"datasets": [{"values": [r["customers"] for r in rows]}],
		},
		"type": "pie",
	}
	return columns(dimension), rows, None, chart


def columns(dimension):
	return [
		column("value", labels().get(dimension, dimension), "Data", 220),
		column("customers", _("Customers"), "Int", 110),
		column("share", _("Share %"), "Percent", 100),
	]
