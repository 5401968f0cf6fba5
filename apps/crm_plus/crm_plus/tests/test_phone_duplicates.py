"""Duplicate checks compare phone numbers by their key (crm_plus.party_checks): a rep entering
`13812345678` is told the customer or lead stored as `+86 138-1234-5678` already exists, over HTTP.
Before, the raw strings were compared and the same number became a second customer."""

import json
import random

import frappe

from crm_plus.tests.test_sales_funnel import CUSTOMER, LEAD, SalesFunnelTestCase


def mobile() -> str:
	return "138" + "".join(random.choice("0123456789") for _ in range(8))


def spelled_with_country_code(number: str) -> str:
	return f"+86 {number[:3]}-{number[3:7]}-{number[7:]}"


class TestPhoneDuplicates(SalesFunnelTestCase):
	def enter(self, doctype: str, **values):
		o = self.org
		data = {"sales_team": o.team_a1, "account_manager": o.rep_a1, **values}
		response = self.post(self.login(o.rep_a1), f"/api/resource/{doctype}", {"data": json.dumps(data)})
		if response.status_code == 200:  # not refused: removed with the class's records
			self.created(doctype, response.json["data"]["name"])
		return response

	def assert_duplicate(self, response, existing: str):
		self.assertEqual(response.status_code, 409, response.text[:500])
		self.assertIn(existing, response.text)

	def test_a_customers_number_with_86_is_the_number_without_it(self):
		number = mobile()
		frappe.db.set_value(CUSTOMER, self.org.c_a1, "company_phone", spelled_with_country_code(number))
		frappe.get_doc(CUSTOMER, self.org.c_a1).save(ignore_permissions=True)
		frappe.db.commit()
		self.assert_duplicate(
			self.enter(
				CUSTOMER, customer_name="Another " + number, customer_kind="Enterprise", company_phone=number
			),
			self.org.c_a1,
		)
		self.assert_duplicate(self.enter(LEAD, lead_name="Lead " + number, phone=number), self.org.c_a1)

	def test_a_leads_number_without_86_is_the_number_with_it(self):
		number = mobile()
		lead = self.make_lead(self.org.rep_a1, self.org.team_a1, phone=number)
		self.assert_duplicate(
			self.enter(LEAD, lead_name="Lead again " + number, phone=spelled_with_country_code(number)), lead
		)

	def test_a_number_stored_before_the_keys_is_found_once_the_patch_ran(self):
		from crm_plus.patches import fill_phone_keys

		number = mobile()
		lead = self.make_lead(self.org.rep_a1, self.org.team_a1, phone=spelled_with_country_code(number))
		frappe.db.set_value(LEAD, lead, "phone_key", None, update_modified=False)
		fill_phone_keys.execute()
		frappe.db.commit()
		self.assertEqual(frappe.db.get_value(LEAD, lead, "phone_key"), number)
		self.assert_duplicate(self.enter(LEAD, lead_name="Lead again " + number, phone=number), lead)
