"""Default records of the CRM Plus module, added where missing and never overwritten."""

import frappe

from crm_plus.domain.grading import DEFAULT_TIERS

DEFAULT_GRADE_DESCRIPTIONS = {
	"VIP": "VIP customers: the top of the pyramid",
	"Key": "Key customers",
	"Ordinary": "Ordinary customers",
	"Small": "Small customers",
}
INDUSTRIES = (
	"Manufacturing",
	"Retail",
	"Logistics",
	"Real Estate",
	"Finance",
	"Information Technology",
	"Other",
)
SOURCES = ("Referral", "Website", "Trade Show", "Cold Call", "Advertising", "Existing Relationship", "Other")
CUSTOMER_TYPES = ("Distributor", "End User", "Partner", "Government", "Other")
ROOT_REGION = "All Regions"


def ensure_default_records():
	for name, min_score, rank in DEFAULT_TIERS:
		if not frappe.db.exists("CRM Customer Grade", name):
			frappe.get_doc(
				{
					"doctype": "CRM Customer Grade",
					"grade_name": name,
					"min_score": min_score,
					"rank": rank,
					"notify_on_downgrade": 1 if rank <= 2 else 0,
					"description": DEFAULT_GRADE_DESCRIPTIONS[name],
				}
			).insert(ignore_permissions=True)
	for doctype, fieldname, names in (
		("CRM Industry", "industry_name", INDUSTRIES),
		("CRM Customer Source", "source_name", SOURCES),
		("CRM Customer Type", "type_name", CUSTOMER_TYPES),
	):
		for name in names:
			if not frappe.db.exists(doctype, name):
				frappe.get_doc({"doctype": doctype, fieldname: name}).insert(ignore_permissions=True)
	if not frappe.db.exists("CRM Region", ROOT_REGION):
		frappe.get_doc({"doctype": "CRM Region", "region_name": ROOT_REGION, "is_group": 1}).insert(
			ignore_permissions=True
		)
