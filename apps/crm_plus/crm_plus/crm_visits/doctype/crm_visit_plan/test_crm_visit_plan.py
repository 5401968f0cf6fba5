"""CRM Visit Plan on a real site: a rep's plan, its approval or rejection by the manager and the visits it
plans, walked over HTTP."""

import frappe
from frappe.utils import add_days, today

from crm_plus.crm_visits import jobs
from crm_plus.tests.http import HTTPTestCase
from crm_plus.tests.names import VISIT

PLAN = "CRM Visit Plan"


class TestVisitPlanJourneys(HTTPTestCase):
	"""A rep makes a visit plan and asks for approval; their manager approves or rejects it: over HTTP."""

	def insert_plan(self, client, period_type: str, *items):
		"""rep_a1's plan of `period_type` from today with `items`, entered over REST: the answer."""
		return self.insert(
			client,
			PLAN,
			sales_rep=self.org.rep_a1,
			period_type=period_type,
			period_start=today(),
			items=list(items),
		)

	def make_plan(self):
		o = self.org
		rep = self.login(o.rep_a1)
		response = self.insert_plan(
			rep, "Month", {"customer": o.c_a1, "planned_date": today(), "visit_type": "On-site"}
		)
		self.assertEqual(response.status_code, 200, response.text[:400])
		plan = self.created(PLAN, response.json["data"]["name"])
		response = self.run_method(rep, PLAN, plan, "request_approval")
		self.assertEqual(response.status_code, 200, response.text[:400])
		self.assertEqual(
			self.fresh().get_value(PLAN, plan, ["approval_status", "approver"]), ("Pending Approval", o.mgr_a)
		)
		return plan

	def submit(self, client, plan):
		doc = self.resource(client, PLAN, plan)
		if doc.status_code != 200:
			return doc
		return self.call(client, "frappe.client.submit", doc=doc.json["data"])

	def test_the_manager_approves_and_the_visits_are_planned(self):
		o = self.org
		plan = self.make_plan()
		# The rep cannot approve their own plan, a manager of another division cannot even read it.
		response = self.submit(self.login(o.rep_a1), plan)
		self.assertEqual(response.status_code, 403, response.text[:300])
		self.assertEqual(self.submit(self.login(o.mgr_b), plan).status_code, 403)
		self.assertEqual(
			self.fresh().get_value(PLAN, plan, ["docstatus", "approval_status"]), (0, "Pending Approval")
		)

		response = self.submit(self.login(o.mgr_a), plan)
		self.assertEqual(response.status_code, 200, response.text[:400])
		db = self.fresh()
		self.assertEqual(
			db.get_value(PLAN, plan, ["docstatus", "approval_status", "approver"]), (1, "Approved", o.mgr_a)
		)
		visit = db.get_value("CRM Visit Plan Item", {"parent": plan}, "visit")
		self.assertEqual(
			db.get_value(VISIT, visit, ["customer", "sales_rep", "status"]), (o.c_a1, o.rep_a1, "Planned")
		)
		# The rep finds the planned visit and completes it; the nightly job counts the plan done.
		rep = self.login(o.rep_a1)
		self.assertEqual(self.resource(rep, VISIT, visit).status_code, 200)
		response = self.put(rep, f"/api/resource/{VISIT}/{visit}", {"status": "Completed"})
		self.assertEqual(response.status_code, 200, response.text[:400])
		self.fresh()
		jobs.update_plan_completion()
		self.assertEqual(frappe.db.get_value(PLAN, plan, "completion_rate"), 100)

	def test_a_rejection_needs_a_reason(self):
		o = self.org
		plan = self.make_plan()
		manager = self.login(o.mgr_a)
		response = self.run_method(manager, PLAN, plan, "reject", reason=" ")
		self.assertEqual(response.status_code, 417, response.text[:300])
		self.assertIn("Please give a reason for the rejection", response.text)
		self.assertEqual(self.fresh().get_value(PLAN, plan, "approval_status"), "Pending Approval")
		response = self.run_method(self.login(o.rep_a1), PLAN, plan, "reject", reason="Not my own")
		self.assertEqual(response.status_code, 403, response.text[:300])
		reason = "Add the two key customers of the north district"
		response = self.run_method(manager, PLAN, plan, "reject", reason=reason)
		self.assertEqual(response.status_code, 200, response.text[:400])
		self.assertEqual(
			self.fresh().get_value(PLAN, plan, ["approval_status", "rejection_reason", "docstatus"]),
			("Rejected", reason, 0),
		)

	def test_a_plan_with_another_divisions_customer_or_outside_its_period_is_refused(self):
		o = self.org
		rep = self.login(o.rep_a1)
		before = self.fresh().count(PLAN, {"sales_rep": o.rep_a1})
		response = self.insert_plan(rep, "Week", {"customer": o.c_a1, "planned_date": add_days(today(), 40)})
		self.assertEqual(response.status_code, 417, response.text[:300])
		self.assertIn("outside the plan", response.text)
		response = self.insert_plan(rep, "Week", {"customer": o.c_b, "planned_date": today()})
		self.assertEqual(response.status_code, 403, response.text[:300])
		self.assertEqual(self.fresh().count(PLAN, {"sales_rep": o.rep_a1}), before)
