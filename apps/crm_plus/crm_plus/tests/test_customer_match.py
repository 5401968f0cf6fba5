"""One e-mail match for both ways a customer writes in (crm_complaints.customer_match): the mail intake
and the public complaint form file a complaint under the same customer for the same address. Before,
the mail skipped a deactivated customer's own address and tried the contacts first, the form did
neither; each difference is a test here (the form walked over HTTP as the guest)."""

import random

import frappe
from frappe.tests.test_api import make_request
from frappe.utils import random_string

from crm_plus.crm_complaints.customer_match import match_customer
from crm_plus.tests.http import HTTPTestCase, _encode
from crm_plus.tests.names import COMPLAINT_FORM as FORM
from crm_plus.tests.utils import make_contact


class TestCustomerMatch(HTTPTestCase):
	def setUp(self):
		super().setUp()
		frappe.cache.delete_keys("rl:crm_plus.crm_complaints")
		frappe.cache.delete_keys("crm_plus:rl:")

	def address(self) -> str:
		return f"match-{random_string(8).lower()}@customer.example"

	def contact(self, address: str, customer: str) -> str:
		contact = make_contact(customer, "Buyer", email=address)
		return self.created("Contact", contact.name)

	def deactivated(self, customer: str):
		self.set_for_the_test(customer, "disabled", 1)

	def own_address(self, customer: str, address: str):
		self.set_for_the_test(customer, "email", address)

	def set_for_the_test(self, customer: str, field: str, value):
		self.addCleanup(self._restore, customer, field, frappe.db.get_value("CRM Customer", customer, field))
		frappe.db.set_value("CRM Customer", customer, field, value)

	def _restore(self, customer: str, field: str, value):
		frappe.db.rollback()
		frappe.db.set_value("CRM Customer", customer, field, value)
		frappe.db.commit()

	def filed_under(self, address: str) -> tuple:
		"""The guest sends the public form with this address; (customer, contact) of the new complaint."""
		response = make_request(
			self.login("Guest").post,
			(f"/api/method/{FORM}",),
			{
				"data": _encode(
					{
						"full_name": "Li Wei",
						"email": address,
						"subject": "Wrong item delivered",
						"description": "I ordered blue, I received red.",
					}
				),
				"headers": {"X-Forwarded-For": f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.9"},
			},
		)
		self.assertEqual(response.status_code, 200, response.text)
		answer = response.json["message"]
		self.assertTrue(answer["ok"], answer)
		name = self.created("CRM Complaint", answer["complaint"])
		return tuple(self.fresh().get_value("CRM Complaint", name, ["customer", "contact"]))

	def assert_matched_neither_way(self, address: str):
		frappe.db.commit()
		self.assertEqual(match_customer(address), (None, None))
		self.assertEqual(self.filed_under(address), (None, None))

	def test_a_contacts_address_files_under_its_customer_both_ways(self):
		address = self.address()
		contact = self.contact(address, self.org.c_a1)
		frappe.db.commit()
		self.assertEqual(match_customer(address), (self.org.c_a1, contact))
		self.assertEqual(self.filed_under(address), (self.org.c_a1, contact))

	def test_a_deactivated_customers_own_address_matches_neither_way(self):
		"""The form matched it; the mail did not."""
		address = self.address()
		self.own_address(self.org.c_a2, address)
		self.deactivated(self.org.c_a2)
		self.assert_matched_neither_way(address)

	def test_a_deactivated_customers_contact_matches_neither_way(self):
		"""Both matched it, while the mail skipped the same customer's own address."""
		address = self.address()
		self.contact(address, self.org.c_a2)
		self.deactivated(self.org.c_a2)
		self.assert_matched_neither_way(address)

	def test_a_contact_of_one_customer_and_the_own_address_of_another_match_neither_way(self):
		"""The mail took the contact's customer (contacts first); the form took neither."""
		address = self.address()
		self.contact(address, self.org.c_a1)
		self.own_address(self.org.c_b, address)
		self.assert_matched_neither_way(address)
