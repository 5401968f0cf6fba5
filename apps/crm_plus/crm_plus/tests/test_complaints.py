"""Complaints on a real site: SLA deadlines, the escalation ladder run twice, pauses, reopening,
assignment, forwarding, bad input, permissions and transfer."""

from datetime import datetime

import frappe
from frappe.utils import add_days, now_datetime

from crm_plus.crm_complaints import service_level
from crm_plus.tests.utils import CRMTestCase, Org, make_user

MONDAY_9 = datetime(2026, 11, 16, 9, 0)  # the default policy: respond by 09:10, resolve by 14:00


def make_complaint(customer, **fields):
	return frappe.get_doc(
		{
			"doctype": "CRM Complaint",
			"customer": customer,
			"subject": fields.pop("subject", "快件延误三天"),
			"description": fields.pop("description", "The shipment to Shanghai arrived three days late."),
			"received_at": fields.pop("received_at", MONDAY_9),
			"severity": fields.pop("severity", "Medium"),
			**fields,
		}
	).insert()


def answered(doc, moment=datetime(2026, 11, 16, 9, 6)) -> None:
	"""Stored data of a scenario: the complaint was answered at `moment` (in time, by default), so only
	the resolution ladder climbs (the response ladder has its tests in test_response_sla)."""
	frappe.db.set_value("CRM Complaint", doc.name, "first_response_at", moment, update_modified=False)


class TestComplaints(CRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.org = Org()
		cls.supervisor = make_user("org-supervisor-a@test.example", ["CRM Service Supervisor"])
		cls.service_manager = make_user("org-service-manager@test.example", ["CRM Service Manager"])
		division = frappe.get_doc("CRM Division", cls.org.div_a)
		division.append("service_staff", {"user": cls.supervisor})
		# The service manager oversees the division: escalations reach only those who may read them.
		division.append("service_staff", {"user": cls.service_manager})
		division.save()
		frappe.db.set_value("CRM Customer", [cls.org.c_a1, cls.org.c_a2, cls.org.c_b], "grade", "Ordinary")

	def test_default_policy_follows_the_seed(self):
		doc = make_complaint(self.org.c_a1)
		self.assertEqual(doc.sla_policy, "Standard Service Level")
		self.assertEqual(str(doc.response_by), "2026-11-16 09:10:00")
		self.assertEqual(str(doc.resolution_by), "2026-11-16 14:00:00")
		self.assertEqual(doc.sla_status, "Breached")  # received last week, never resolved

	def test_a_more_specific_policy_wins(self):
		policy = frappe.copy_doc(frappe.get_doc("CRM SLA Policy", "Standard Service Level"))
		policy.policy_name = f"Critical {self.org.suffix}"
		policy.is_default = 0
		policy.severity = "Critical"
		policy.resolution_minutes = 60
		policy.insert()
		doc = make_complaint(self.org.c_a1, severity="Critical")
		self.assertEqual(doc.sla_policy, policy.name)
		self.assertEqual(str(doc.resolution_by), "2026-11-16 10:00:00")

	def test_escalation_ladder_runs_once_per_step(self):
		o = self.org
		doc = make_complaint(o.c_a1, handler=o.agent_a)
		answered(doc)

		def notes(user):
			return frappe.db.count("Notification Log", {"for_user": user, "document_name": doc.name})

		service_level.escalate(now=datetime(2026, 11, 16, 10, 0))
		self.assertEqual(frappe.db.get_value("CRM Complaint", doc.name, "escalation_level"), 0)

		service_level.escalate(now=datetime(2026, 11, 16, 13, 30))  # 75% of the time used
		self.assertEqual(
			frappe.db.get_value("CRM Complaint", doc.name, ["escalation_level", "sla_status"]), (1, "At Risk")
		)
		self.assertEqual(notes(o.agent_a), 1)
		service_level.escalate(now=datetime(2026, 11, 16, 13, 30))  # a rerun
		self.assertEqual(notes(o.agent_a), 1)

		service_level.escalate(now=datetime(2026, 11, 16, 14, 30))  # breached by 30 minutes
		self.assertEqual(
			frappe.db.get_value("CRM Complaint", doc.name, ["escalation_level", "sla_status"]),
			(2, "Breached"),
		)
		self.assertEqual(notes(self.supervisor), 1)
		self.assertEqual(notes(self.service_manager), 0)
		service_level.escalate(now=datetime(2026, 11, 16, 14, 35))
		self.assertEqual(notes(self.supervisor), 1)

		service_level.escalate(now=datetime(2026, 11, 16, 16, 30))  # 150 working minutes past the deadline
		self.assertEqual(frappe.db.get_value("CRM Complaint", doc.name, "escalation_level"), 3)
		self.assertEqual(notes(self.service_manager), 1)
		for _ in range(2):
			service_level.escalate(now=datetime(2026, 11, 17, 9, 0))
		self.assertEqual(notes(self.service_manager), 1)
		doc.reload()
		self.assertEqual([row.level for row in doc.escalations], [1, 2, 3])
		self.assertEqual(doc.escalations[1].escalated_to, self.supervisor)

	def test_a_failure_in_the_middle_leaves_no_half_escalation(self):
		from unittest.mock import patch

		o = self.org
		doc = make_complaint(o.c_a1, handler=o.agent_a)
		answered(doc)
		with patch(
			"crm_plus.crm_complaints.service_level.notify", side_effect=RuntimeError("mail server down")
		):
			service_level.escalate(now=datetime(2026, 11, 16, 15, 0))
		# Nothing of the failed pass stayed: no key claimed, no level, no log row.
		self.assertEqual(frappe.db.get_value("CRM Complaint", doc.name, "escalation_level"), 0)
		self.assertFalse(frappe.db.exists("CRM Sent Notification", {"reference_name": doc.name}))
		self.assertEqual(frappe.db.count("CRM Complaint Escalation", {"parent": doc.name}), 0)
		service_level.escalate(now=datetime(2026, 11, 16, 15, 0))  # the next run does it all, once
		doc.reload()
		self.assertEqual([row.level for row in doc.escalations], [1, 2])
		service_level.escalate(now=datetime(2026, 11, 16, 15, 5))
		self.assertEqual(frappe.db.count("CRM Complaint Escalation", {"parent": doc.name}), 2)

	def test_a_skipped_warning_is_logged_before_the_escalation(self):
		doc = make_complaint(self.org.c_a1, handler=self.org.agent_a)
		answered(doc)
		service_level.escalate(now=datetime(2026, 11, 16, 15, 0))
		doc.reload()
		self.assertEqual([row.level for row in doc.escalations], [1, 2])

	def test_waiting_on_the_customer_pauses_the_clock(self):
		o = self.org
		doc = make_complaint(o.c_a2, received_at=add_days(now_datetime(), -1))
		doc.status = "Waiting on Customer"
		doc.save()
		self.assertTrue(doc.paused_since)
		self.assertEqual(doc.sla_status, "Paused")
		self.assertIsNone(doc.resolution_by)
		service_level.escalate(now=add_days(now_datetime(), 10))
		self.assertEqual(frappe.db.get_value("CRM Complaint", doc.name, "escalation_level"), 0)
		frappe.db.set_value("CRM Complaint", doc.name, "paused_since", datetime(2026, 11, 16, 9, 0))
		doc.reload()
		doc.status = "In Progress"
		doc.save()
		self.assertIsNone(doc.paused_since)
		self.assertGreater(doc.paused_minutes, 0)
		self.assertTrue(doc.resolution_by)
		self.assertTrue(doc.first_response_at)

	def test_bad_input_is_refused(self):
		o = self.org
		with self.assertRaises(frappe.ValidationError) as ctx:
			make_complaint(o.c_a1, rating=6)
		self.assertIn("between 1 and 5", str(ctx.exception))
		with self.assertRaises(frappe.ValidationError) as ctx:
			make_complaint(o.c_a1, received_at=add_days(now_datetime(), 1))
		self.assertIn("future", str(ctx.exception))
		doc = make_complaint(o.c_a1)
		doc.status = "Closed"
		with self.assertRaises(frappe.ValidationError) as ctx:
			doc.save()
		self.assertIn("resolution", str(ctx.exception))

	def test_resolve_and_reopen_within_the_window(self):
		doc = make_complaint(self.org.c_a1, received_at=add_days(now_datetime(), -1))
		doc.status = "Resolved"
		doc.resolution = "Re-delivered with express shipping; fee refunded"
		doc.rating = 4
		doc.save()
		self.assertTrue(doc.resolved_at)
		self.assertIn(doc.sla_status, ("Met", "Breached"))
		doc.status = "Reopened"
		doc.save()
		self.assertEqual(doc.reopen_count, 1)
		self.assertIsNone(doc.resolved_at)
		doc.status = "Closed"
		doc.save()
		frappe.db.set_value("CRM Complaint", doc.name, "closed_at", add_days(now_datetime(), -90))
		doc.reload()
		doc.status = "Reopened"
		with self.assertRaises(frappe.ValidationError) as ctx:
			doc.save()
		self.assertIn("30 days", str(ctx.exception))

	def test_assignment_sets_the_handler_and_forwarding_makes_a_task(self):
		from frappe.desk.form.assign_to import add as assign

		o = self.org
		doc = make_complaint(o.c_a1)
		assign({"assign_to": [o.agent_a], "doctype": "CRM Complaint", "name": doc.name})
		self.assertEqual(frappe.db.get_value("CRM Complaint", doc.name, "handler"), o.agent_a)
		doc.reload()
		todo = doc.forward("Logistics", o.mgr_a, "Check the Shanghai route")
		self.assertTrue(frappe.db.exists("ToDo", todo))
		doc.reload()
		self.assertEqual((doc.forwards[0].department, doc.forwards[0].forwarded_to), ("Logistics", o.mgr_a))

	def test_permissions(self):
		o = self.org
		on_a1 = make_complaint(o.c_a1).name
		on_b = make_complaint(o.c_b).name
		self.as_user(o.rep_a1)
		names = set(frappe.get_list("CRM Complaint", pluck="name", limit_page_length=0))
		self.assertIn(on_a1, names)
		self.assertNotIn(on_b, names)
		self.assertFalse(frappe.has_permission("CRM Complaint", "read", on_b))
		self.as_user(o.rep_b)
		self.assertNotIn(on_a1, set(frappe.get_list("CRM Complaint", pluck="name", limit_page_length=0)))
		# A service agent of division A handles complaints of its customers, not of division B.
		self.as_user(o.agent_a)
		self.assertTrue(frappe.has_permission("CRM Complaint", "write", on_a1))
		self.assertFalse(frappe.has_permission("CRM Complaint", "read", on_b))
		doc = make_complaint(o.c_a2, subject="Logged by the service desk")
		self.assertTrue(doc.name)
		with self.assertRaises(frappe.PermissionError):
			make_complaint(o.c_b)

	def test_open_complaints_handled_by_a_departing_user_move(self):
		o = self.org
		open_one = make_complaint(o.c_a2, handler=o.rep_a2).name
		self.as_user(o.mgr_a)
		transfer = frappe.get_doc(
			{
				"doctype": "CRM Customer Transfer",
				"from_user": o.rep_a2,
				"to_user": o.rep_a1,
				"reason": "Leaving",
			}
		).insert()
		transfer.submit()
		self.assertEqual(frappe.db.get_value("CRM Complaint", open_one, "handler"), o.rep_a1)


class TestEscalationRecipients(CRMTestCase):
	"""An escalation names the customer and the complaint: it reaches only role holders who may read
	the complaint (serving its division, or seeing every division), never a supervisor elsewhere."""

	def test_a_supervisor_of_another_division_is_not_told(self):
		from crm_plus.crm_complaints.service_level import role_holders

		org = Org()
		inside = make_user("org-supervisor-a@test.example", ["CRM Service Supervisor"])
		outside = make_user("org-supervisor-b@test.example", ["CRM Service Supervisor"])
		overall = make_user("org-supervisor-exec@test.example", ["CRM Service Supervisor", "CRM Executive"])
		for division, user in ((org.div_a, inside), (org.div_b, outside)):
			doc = frappe.get_doc("CRM Division", division)
			doc.append("service_staff", {"user": user})
			doc.save()
		holders = set(role_holders("CRM Service Supervisor", org.div_a))
		self.assertIn(inside, holders)
		self.assertIn(overall, holders)
		self.assertNotIn(outside, holders)
		self.assertNotIn(outside, set(role_holders("CRM Service Supervisor", None)))
