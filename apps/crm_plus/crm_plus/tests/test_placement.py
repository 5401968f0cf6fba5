"""The minimum a rep types still places the record (issue 22): a customer, lead or opportunity saved
without a sales team gets the owner's only team and its division, so the rep's manager and the
division head see it; an owner in several teams is asked to choose, and nothing is saved meanwhile."""

import frappe
from frappe.utils import random_string

from crm_plus.tests.names import CUSTOMER, LEAD, OPPORTUNITY
from crm_plus.tests.sales_utils import SalesTestCase


class TestPlacement(SalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.org.extra_customers = []

	def minimal_customer(self, client):
		name = "Minimal " + random_string(8)
		response = self.insert(client, CUSTOMER, customer_name=name, customer_kind="Enterprise")
		if response.status_code == 200:
			self.org.extra_customers.append(response.json["data"]["name"])
		return response

	def saved_customer(self, client, label: str, **fields) -> dict:
		"""An enterprise customer entered over REST with `fields`, which must save; the stored record."""
		response = self.insert(
			client,
			CUSTOMER,
			customer_name=f"{label} {random_string(8)}",
			customer_kind="Enterprise",
			**fields,
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		self.org.extra_customers.append(response.json["data"]["name"])
		return response.json["data"]

	def test_a_reps_minimal_records_go_to_the_reps_team_and_are_seen_above(self):
		o = self.org
		rep = self.login(o.rep_a1)
		created = self.minimal_customer(rep)
		self.assertEqual(created.status_code, 200, created.text[:300])
		customer = created.json["data"]
		self.assertEqual((customer["sales_team"], customer["division"]), (o.team_a1, o.div_a))
		lead = self.insert(rep, LEAD, lead_name="Lead " + random_string(8))
		self.assertEqual(lead.status_code, 200, lead.text[:300])
		self.assertEqual(
			(lead.json["data"]["sales_team"], lead.json["data"]["division"]), (o.team_a1, o.div_a)
		)
		opportunity = self.insert(
			rep, OPPORTUNITY, title="Deal " + random_string(8), customer=customer["name"]
		)
		self.assertEqual(opportunity.status_code, 200, opportunity.text[:300])
		self.assertEqual(opportunity.json["data"]["sales_team"], o.team_a1)
		# The rep's manager (of the team above) and the division head see all three; the other
		# division does not.
		for user in (o.mgr_a, o.head_a):
			client = self.login(user)
			self.assertIn(customer["name"], self.visible(client, CUSTOMER), user)
			self.assertIn(lead.json["data"]["name"], self.visible(client, LEAD), user)
			self.assertIn(opportunity.json["data"]["name"], self.visible(client, OPPORTUNITY), user)
		self.assertNotIn(customer["name"], self.visible(self.login(o.rep_b), CUSTOMER))

	def test_a_rep_in_two_teams_is_asked_to_choose(self):
		o = self.org
		frappe.set_user("Administrator")
		team_b = frappe.get_doc("CRM Sales Team", o.team_b)
		team_b.append("members", {"user": o.rep_a2})
		team_b.save(ignore_permissions=True)
		frappe.db.commit()
		try:
			rep = self.login(o.rep_a2)
			before = self.count(rep, CUSTOMER)
			refused = self.minimal_customer(rep)
			self.assertEqual(refused.status_code, 417, refused.text[:300])
			self.assertIn("several sales teams", refused.text)
			self.assertIn(o.team_a1, refused.text)
			self.assertIn(o.team_b, refused.text)
			self.assertEqual(self.count(rep, CUSTOMER), before)
			lead = self.insert(rep, LEAD, lead_name="Lead " + random_string(8))
			self.assertEqual(lead.status_code, 417, lead.text[:300])
			# The form offers the rep's teams; with one chosen, the record saves there.
			teams = self.call(rep, "crm_plus.organisation.my_teams")
			self.assertEqual(sorted(teams.json["message"]), sorted([o.team_a1, o.team_b]))
			chosen = self.saved_customer(rep, "Chosen", sales_team=o.team_b)
			self.assertEqual(chosen["division"], o.div_b)
			# Naming the division is enough: the rep's one team there.
			by_division = self.saved_customer(rep, "By Division", division=o.div_a)
			self.assertEqual(by_division["sales_team"], o.team_a1)
		finally:
			frappe.set_user("Administrator")
			frappe.db.rollback()
			frappe.db.delete(
				"CRM Sales Team Member",
				{"parent": o.team_b, "user": o.rep_a2, "parenttype": "CRM Sales Team"},
			)
			frappe.db.commit()
