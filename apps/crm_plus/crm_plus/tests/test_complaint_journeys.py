"""Complaint journeys walked by service staff over HTTP: the agent who serves the division forwards
a complaint to another department's user, who can then read it and finds it in their ToDo list; a
rep of another division cannot forward it."""

import frappe

from crm_plus.tests.http import HTTPTestCase
from crm_plus.tests.utils import add_complaint, division_supervisor, make_user


class TestComplaintJourneys(HTTPTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.logistics = make_user("org-logistics@test.example", ["CRM Service Agent"], first_name="Logistics")
		cls.supervisor = division_supervisor(cls.org.div_a)
		cls.complaint = add_complaint(cls.org.c_a1, "Dented box")
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.db.delete("DocShare", {"share_name": cls.complaint.name})
		frappe.db.delete("ToDo", {"reference_name": cls.complaint.name})
		frappe.db.commit()
		super().tearDownClass()

	def forward(self, client, user):
		return self.run_method(
			client,
			"CRM Complaint",
			self.complaint.name,
			"forward",
			department="Logistics",
			user=user,
			note="Check the Shanghai hub",
		)

	def test_service_staff_forward_to_a_department_that_then_reads_it(self):
		logistics = self.login(self.logistics)
		self.assertEqual(self.resource(logistics, "CRM Complaint", self.complaint.name).status_code, 403)
		for sender in (self.org.agent_a, self.supervisor):
			response = self.forward(self.login(sender), self.logistics)
			self.assertEqual(response.status_code, 200, f"{sender}: {response.text[:400]}")
		self.assertEqual(self.resource(logistics, "CRM Complaint", self.complaint.name).status_code, 200)
		todos = self.resource(logistics, "ToDo", fields=["reference_name", "status"], limit_page_length=0)
		self.assertIn(self.complaint.name, {t["reference_name"] for t in todos.json["data"]})
		forwards = self.fresh().get_all(
			"CRM Complaint Forward", {"parent": self.complaint.name}, ["forwarded_to", "department"]
		)
		self.assertEqual({(f.forwarded_to, f.department) for f in forwards}, {(self.logistics, "Logistics")})
		# The department reads the complaint, it does not see the customer's other records.
		self.assertEqual(self.resource(logistics, "CRM Customer", self.org.c_a1).status_code, 403)

	def test_a_rep_of_another_division_cannot_forward(self):
		response = self.forward(self.login(self.org.rep_b), self.org.rep_b)
		self.assertEqual(response.status_code, 403, response.text[:300])
