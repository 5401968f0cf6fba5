"""CRM Survey Campaign on a real site: its sampling is reproducible (in-process; the campaign walked over
HTTP: crm_plus/tests/test_surveys.py)."""

import frappe

from crm_plus.tests.names import SURVEY_TEMPLATE as TEMPLATE
from crm_plus.tests.utils import OrgTestCase, make_customer


class TestSurveys(OrgTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.region = (
			frappe.get_doc(
				{
					"doctype": "CRM Region",
					"region_name": f"Hebei {cls.org.suffix}",
					"parent_crm_region": "All Regions",
				}
			)
			.insert()
			.name
		)
		for name in (cls.org.c_a1, cls.org.c_a2, cls.org.c_b):
			frappe.db.set_value(
				"CRM Customer", name, {"region": cls.region, "email": f"{name.lower()}@example.com"}
			)

	def test_sampling_is_reproducible(self):
		customers = [
			make_customer(region=self.region, account_manager=self.org.rep_a1).name for _ in range(6)
		]
		picks = []
		for run in range(2):
			campaign = frappe.get_doc(
				{
					"doctype": "CRM Survey Campaign",
					"campaign_name": f"Sample {self.org.suffix} {run}",
					"template": TEMPLATE,
					"filter_region": self.region,
					"sample_size": 4,
					"seed": 11,
				}
			).insert()
			campaign.start()
			picks.append(
				set(frappe.get_all("CRM Survey Invitation", {"campaign": campaign.name}, pluck="customer"))
			)
		self.assertEqual(len(picks[0]), 4)
		self.assertEqual(picks[0], picks[1])
		self.assertTrue(picks[0] <= {*customers, self.org.c_a1, self.org.c_a2, self.org.c_b})
