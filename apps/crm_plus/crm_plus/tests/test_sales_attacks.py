"""Attacks on the sales funnel walked over HTTP: the claim as an
oracle of another division's leads, a transfer that pushes records into another division."""

import json

import frappe

from crm_plus.tests.http import HTTPTestCase
from crm_plus.tests.names import LEAD


def message(response) -> str:
	return json.loads(json.loads(response.json["_server_messages"])[0])["message"]


class TestSalesAttacks(HTTPTestCase):
	def setUp(self):
		super().setUp()
		self.limit = frappe.db.get_single_value("CRM Plus Settings", "pool_claim_limit")

	def tearDown(self):
		frappe.db.rollback()
		frappe.db.set_single_value("CRM Plus Settings", "pool_claim_limit", self.limit)
		frappe.db.delete("CRM Pool Log", {"reference_name": ("in", [n for _, n in self._created])})
		frappe.db.commit()
		super().tearDown()

	def lead(self, rep: str, team: str, pooled: bool = False) -> str:
		doc = frappe.get_doc(
			{
				"doctype": LEAD,
				"lead_name": f"Attack {frappe.generate_hash(length=6)}",
				"account_manager": rep,
				"sales_team": team,
			}
		).insert(ignore_permissions=True)
		if pooled:
			frappe.db.set_value(LEAD, doc.name, {"in_pool": 1, "account_manager": None, "sales_team": None})
		frappe.db.commit()
		return self.created(LEAD, doc.name)

	def test_claiming_another_divisions_lead_is_refused_like_a_missing_one(self):
		rep = self.login(self.org.rep_b)
		owned = self.lead(self.org.rep_a1, self.org.team_a1)
		pooled = self.lead(self.org.rep_a1, self.org.team_a1, pooled=True)
		missing = self.call(rep, "crm_plus.crm_sales.pool.claim", name="CRM-LEAD-0000-99999")
		self.assertEqual(missing.status_code, 403)
		for name in (owned, pooled):
			response = self.call(rep, "crm_plus.crm_sales.pool.claim", name=name)
			self.assertEqual(response.status_code, missing.status_code, name)
			self.assertEqual(response.json.get("exc_type"), missing.json.get("exc_type"), name)
			self.assertEqual(message(response), message(missing), name)
		self.assertEqual(self.fresh().get_value(LEAD, pooled, "in_pool"), 1)

	def test_a_manager_transfers_only_to_reps_and_teams_of_their_own(self):
		lead = self.lead(self.org.rep_b, self.org.team_b)
		response = self.transfer(
			self.org.mgr_b, self.org.rep_b, self.org.rep_a1, to_sales_team=self.org.team_a1
		)
		self.assertEqual(response.status_code, 403, response.json)
		for doctype, name in ((LEAD, lead), ("CRM Customer", self.org.c_b)):
			row = self.fresh().get_value(doctype, name, ["account_manager", "division"], as_dict=True)
			self.assertEqual(row.account_manager, self.org.rep_b)
			self.assertEqual(row.division, self.org.div_b)
		response = self.transfer(
			self.org.mgr_b, self.org.rep_b, self.org.mgr_b, to_sales_team=self.org.team_a1
		)
		self.assertEqual(response.status_code, 403, response.json)
		self.assertEqual(self.fresh().get_value(LEAD, lead, "division"), self.org.div_b)

	def test_a_rep_at_the_limit_cannot_hoard_by_closing_and_reopening_claimed_leads(self):
		frappe.db.set_single_value("CRM Plus Settings", "pool_claim_limit", 1)
		frappe.db.commit()
		rep = self.login(self.org.rep_a1)
		first = self.lead(self.org.rep_a1, self.org.team_a1, pooled=True)
		second = self.lead(self.org.rep_a1, self.org.team_a1, pooled=True)
		self.assertEqual(self.call(rep, "crm_plus.crm_sales.pool.claim", name=first).status_code, 200)
		# Closing the claimed lead frees its place; claiming another takes it.
		closed = self.put(
			rep, f"/api/resource/{LEAD}/{first}", {"status": "Unqualified", "unqualified_reason": "x"}
		)
		self.assertEqual(closed.status_code, 200, closed.text)
		self.assertEqual(self.call(rep, "crm_plus.crm_sales.pool.claim", name=second).status_code, 200)
		# Opening the first again would hold two under a limit of one.
		reopened = self.put(rep, f"/api/resource/{LEAD}/{first}", {"status": "Contacted"})
		self.assertEqual(reopened.status_code, 417, reopened.text)
		self.assertIn("cannot be reopened", message(reopened))
		self.assertEqual(self.fresh().get_value(LEAD, first, "status"), "Unqualified")
