"""Attacks on the complaint portal found over HTTP (issue 16's attack round): each test walks the attack as
its actor and failed before the fix."""

import random

import frappe
from frappe.tests.test_api import make_request
from frappe.utils import now_datetime, random_string

from crm_plus.tests.complaints import committed_complaint
from crm_plus.tests.http import HTTPTestCase, _encode, refused
from crm_plus.tests.names import COMPLAINT_FORM as FORM
from crm_plus.tests.utils import make_contact


class TestComplaintPortalAttacks(HTTPTestCase):
	def guest_complaint(self, **fields) -> str:
		"""A complaint sent on the public form as a guest from an address of its own (the form's
		limit per address stays clear of the other tests); returns the new complaint's number."""
		address = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.7"
		response = make_request(
			self.login("Guest").post,
			(f"/api/method/{FORM}",),
			{"data": _encode(fields), "headers": {"X-Forwarded-For": address}},
		)
		self.assertEqual(response.status_code, 200, response.text)
		answer = response.json["message"]
		self.assertTrue(answer["ok"], answer)
		return self.created("CRM Complaint", answer["complaint"])

	def web_complaint(self, channel: str = "Web") -> str:
		return committed_complaint(
			{
				"customer": self.org.c_a1,
				"channel": channel,
				"severity": "Medium",
				"subject": "Delivery late",
				"description": "The order came a week late",
				"received_at": now_datetime(),
				"status": "Resolved",
				"resolution": "Refunded the shipping",
			}
		)

	def answer(self, name: str) -> tuple:
		return tuple(
			self.fresh().get_value("CRM Complaint", name, ["channel", "customer_confirmed", "rating"])
		)

	def test_a_web_complaints_answer_cannot_be_laundered_through_a_staff_channel(self):
		"""The rep moved a Web complaint to Hotline, typed "confirmed, 5 stars", moved it back to Web: the
		complaint then showed the rep's answer as the customer's own."""
		rep = self.login(self.org.rep_a1)
		name = self.web_complaint("Web")
		response = self.set_value(rep, "CRM Complaint", name, "channel", "Hotline")
		self.assertTrue(refused(response), response.text)
		self.assertEqual(self.answer(name), ("Web", 0, 0))

		# Nor does a complaint moved into Web carry an answer typed while it was a phone complaint.
		phoned = self.web_complaint("Hotline")
		fields = {"rating": 5, "customer_confirmed": 1}
		response = self.set_value(rep, "CRM Complaint", phoned, fields)
		self.assertEqual(response.status_code, 200, response.text)
		self.assertEqual(self.answer(phoned), ("Hotline", 1, 5))
		response = self.set_value(rep, "CRM Complaint", phoned, "channel", "Web")
		self.assertEqual(response.status_code, 200, response.text)
		self.assertEqual(self.answer(phoned), ("Web", 0, 0))

	def test_a_known_phone_number_does_not_file_a_guests_complaint_under_the_customer(self):
		"""A guest typed a customer's contact's phone number (printed on any card) and an address of their
		own: the complaint was filed under that customer and contact, and the desk's replies and the
		feedback link went to the guest's address."""
		phone = f"+86 139 {random.randint(1000, 9999)} {random.randint(1000, 9999)}"
		contact = make_contact(self.org.c_a1, "Victim", phone=phone)
		self.created("Contact", contact.name)
		frappe.db.commit()
		name = self.guest_complaint(
			full_name="Victim",
			email=f"attacker-{random_string(6).lower()}@evil.example",
			phone=phone,
			subject="Please resend my invoices",
			description="To this address, please",
		)
		stored = self.fresh().get_value(
			"CRM Complaint", name, ["customer", "contact", "raised_by_phone"], as_dict=True
		)
		self.assertIsNone(stored.customer)
		self.assertIsNone(stored.contact)
		self.assertEqual(stored.raised_by_phone, phone)  # kept for the agent to check

	def test_a_tag_left_open_does_not_survive_in_a_name_or_subject(self):
		name = self.guest_complaint(
			full_name="Eve <img src=x onerror=alert(1)//",
			email=f"eve-{random_string(6).lower()}@evil.example",
			subject="Late <svg onload=alert(2)//",
			description="d",
		)
		stored = self.fresh().get_value("CRM Complaint", name, ["subject", "raised_by_name"], as_dict=True)
		for value in stored.values():
			self.assertNotIn("<", value)
			self.assertNotIn(">", value)
