"""Complaints on a real site: SLA deadlines, the escalation ladder run twice, pauses, reopening,
assignment, forwarding, bad input, permissions and transfer."""

from datetime import datetime

import frappe
from frappe.utils import add_days, now_datetime

from crm_plus.crm_complaints import service_level
from crm_plus.tests.complaints import answered, handler_notification, make_complaint, service_org
from crm_plus.tests.http import HTTPTestCase
from crm_plus.tests.utils import CRMTestCase, Org, division_supervisor, make_user


class TestComplaints(CRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		service_org(cls)

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
			"""Alerts telling `user` about this complaint: its own, or a line of a digest listing it."""
			alone = frappe.db.count("Notification Log", {"for_user": user, "document_name": doc.name})
			listed = frappe.db.count(
				"Notification Log", {"for_user": user, "email_content": ("like", f"%>Complaint {doc.name} %")}
			)
			return alone + listed

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
		# What runs after the write fails (the complaint's on_update: an event a site's hook could break).
		with patch("crm_plus.crm_complaints.feedback.after_save", side_effect=RuntimeError("a hook failed")):
			service_level.escalate(now=datetime(2026, 11, 16, 15, 0))
		# Nothing of the failed complaint stayed: no key claimed, no level, no log row, no alert.
		self.assertEqual(frappe.db.get_value("CRM Complaint", doc.name, "escalation_level"), 0)
		self.assertFalse(frappe.db.exists("CRM Sent Notification", {"reference_name": doc.name}))
		self.assertEqual(frappe.db.count("CRM Complaint Escalation", {"parent": doc.name}), 0)
		self.assertEqual(frappe.db.count("Notification Log", {"document_name": doc.name}), 0)
		self.assertEqual(frappe.db.get_value("CRM Complaint", doc.name, "sla_status"), doc.sla_status)
		service_level.escalate(now=datetime(2026, 11, 16, 15, 0))  # the next run does it all, once
		doc.reload()
		self.assertEqual([row.level for row in doc.escalations], [1, 2])
		service_level.escalate(now=datetime(2026, 11, 16, 15, 5))
		self.assertEqual(frappe.db.count("CRM Complaint Escalation", {"parent": doc.name}), 2)

	def test_an_alert_that_fails_is_sent_by_the_next_pass_once(self):
		from unittest.mock import patch

		o = self.org
		doc = make_complaint(o.c_a1, handler=o.agent_a)
		answered(doc)
		with patch(
			"crm_plus.crm_complaints.service_level.notify", side_effect=RuntimeError("mail server down")
		):
			service_level.escalate(now=datetime(2026, 11, 16, 15, 0))
		# The escalation stands (claimed, logged, saved); its alerts wait, pending.
		self.assertEqual(frappe.db.get_value("CRM Complaint", doc.name, "escalation_level"), 2)
		pending = {"parent": doc.name, "alert_pending": 1}
		self.assertEqual(frappe.db.count("CRM Complaint Escalation", pending), 2)
		self.assertEqual(frappe.db.count("Notification Log", {"document_name": doc.name}), 0)
		service_level.escalate(now=datetime(2026, 11, 16, 15, 5))
		self.assertEqual(frappe.db.count("CRM Complaint Escalation", pending), 0)
		for user in (o.agent_a, self.supervisor):
			self.assertEqual(
				frappe.db.count("Notification Log", {"for_user": user, "document_name": doc.name}), 1
			)
		service_level.escalate(now=datetime(2026, 11, 16, 15, 10))
		self.assertEqual(frappe.db.count("Notification Log", {"document_name": doc.name}), 2)

	def test_a_burst_reaches_each_person_as_one_alert_listing_the_complaints(self):
		"""After an outage many complaints climb at once: the supervisor gets one alert listing every
		complaint, not one per complaint; a handler with a few gets each on its own; a rerun sends
		nothing; every step is still claimed and logged once per complaint."""
		o = self.org
		docs = [make_complaint(o.c_a1, handler=o.agent_a) for _ in range(service_level.DIGEST_AFTER + 2)]
		few = make_complaint(o.c_a2, handler=o.rep_a1)
		for doc in [*docs, few]:
			answered(doc)
		names = [d.name for d in [*docs, few]]
		logs = {"document_type": "CRM Complaint", "type": "Alert"}
		before = {
			u: frappe.db.count("Notification Log", {**logs, "for_user": u})
			for u in (o.agent_a, o.rep_a1, self.supervisor)
		}
		service_level.escalate(now=datetime(2026, 11, 16, 15, 0))  # warned and breached: two steps each
		self.assertEqual(
			frappe.db.count("CRM Sent Notification", {"reference_name": ("in", names)}), 2 * len(names)
		)
		self.assertEqual(
			frappe.db.count("CRM Complaint Escalation", {"parent": ("in", names), "alert_pending": 1}), 0
		)
		new = {u: frappe.db.count("Notification Log", {**logs, "for_user": u}) - n for u, n in before.items()}
		# The supervisor: one alert listing all of them (and any other complaint this pass escalated).
		self.assertEqual(new[self.supervisor], 1)
		digest = frappe.get_all(
			"Notification Log",
			{**logs, "for_user": self.supervisor},
			["subject", "email_content", "link"],
			order_by="creation desc",
			limit=1,
		)[0]
		for name in names:
			self.assertIn(name, digest.email_content)
		self.assertEqual(digest.link, service_level.DIGEST_LINK)
		# The agent handles more than a few: one alert too; the rep's one complaint: its warning alone.
		self.assertEqual(new[o.agent_a], 1)
		self.assertEqual(new[o.rep_a1], 1)
		self.assertEqual(
			frappe.db.count("Notification Log", {**logs, "for_user": o.rep_a1, "document_name": few.name}), 1
		)
		service_level.escalate(now=datetime(2026, 11, 16, 15, 5))
		again = {
			u: frappe.db.count("Notification Log", {**logs, "for_user": u}) - n for u, n in before.items()
		}
		self.assertEqual(again, new)

	def test_the_pass_fires_the_sites_notifications_and_webhooks(self):
		"""The pass writes set-based, yet an admin's Notification on a value change and a Webhook on
		save fire for the complaint whose state it changes, as on a document's save."""
		o = self.org
		doc = make_complaint(o.c_a1, handler=o.agent_a)
		answered(doc)
		subject = "SLA of {{ doc.name }}: {{ doc.sla_status }}"
		handler_notification(f"SLA watch {o.suffix}", "sla_status", subject, "The SLA state changed")
		webhook = frappe.get_doc(
			{
				"doctype": "Webhook",
				"name": f"SLA hook {o.suffix}",
				"webhook_doctype": "CRM Complaint",
				"webhook_docevent": "on_update",
				"request_url": "http://127.0.0.1:9/complaint-hook",
				"request_structure": "Form URL-Encoded",
				"webhook_data": [{"fieldname": "name", "key": "name"}],
			}
		).insert(ignore_permissions=True)
		frappe.cache.delete_value("webhooks")
		frappe.cache.hdel("notifications", "CRM Complaint")
		frappe.local._webhook_queue = []
		service_level.escalate(now=datetime(2026, 11, 16, 13, 30))  # 75% of the time used: At Risk
		subjects = frappe.get_all(
			"Notification Log",
			{"for_user": o.agent_a, "document_name": doc.name, "subject": ("like", "SLA of%")},
			pluck="subject",
		)
		self.assertEqual(len(subjects), 1, subjects)
		self.assertIn("At Risk", subjects[0])
		queued = [w.doc.name for w in frappe.local._webhook_queue if w.webhook.name == webhook.name]
		self.assertEqual(queued.count(doc.name), 1)  # (other open complaints of the class changed too)
		# The version records the change, as a save's would.
		data = frappe.get_all(
			"Version",
			{"ref_doctype": "CRM Complaint", "docname": doc.name},
			pluck="data",
			order_by="creation desc",
		)
		self.assertIn("At Risk", data[0])
		frappe.local._webhook_queue = []

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


COMPLAINT = "CRM Complaint"


class TestComplaintDeskJourneys(HTTPTestCase):
	"""The service desk over HTTP: an agent logs a complaint, the supervisor assigns it, the agent
	pauses, resolves, reopens and closes it; a manager's transfer moves the open ones a rep handled."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.supervisor = division_supervisor(cls.org.div_a)
		frappe.db.commit()

	def log(self, client, customer, **fields):
		return self.insert(
			client,
			COMPLAINT,
			customer=customer,
			subject=fields.pop("subject", "快件延误三天"),
			description=fields.pop("description", "The shipment to Shanghai arrived three days late."),
			severity=fields.pop("severity", "Medium"),
			**fields,
		)

	def update(self, client, name, **fields):
		return self.put(client, f"/api/resource/{COMPLAINT}/{name}", fields)

	def test_an_agent_logs_a_complaint_of_their_division_only(self):
		o = self.org
		agent = self.login(o.agent_a)
		response = self.log(agent, o.c_a1, subject="Logged by the service desk")
		self.assertEqual(response.status_code, 200, response.text[:400])
		name = response.json["data"]["name"]
		stored = self.fresh().get_value(
			COMPLAINT,
			name,
			["customer", "status", "sla_policy", "response_by", "resolution_by", "account_manager", "owner"],
			as_dict=True,
		)
		self.assertEqual(
			(stored.customer, stored.status, stored.sla_policy, stored.account_manager, stored.owner),
			(o.c_a1, "New", "Standard Service Level", o.rep_a1, o.agent_a),
		)
		self.assertTrue(stored.response_by and stored.resolution_by)
		# The form, as the desk opens it, carries the done statuses its script reads (one rule, in sla).
		form = self.call(agent, "frappe.desk.form.load.getdoc", http="GET", doctype=COMPLAINT, name=name)
		self.assertEqual(form.json["docs"][0]["__onload"]["done_statuses"], ["Closed", "Resolved"])
		# The customer's rep reads it; a rep of division B does not, nor may they log one for division A.
		self.assertEqual(self.resource(self.login(o.rep_a1), COMPLAINT, name).status_code, 200)
		self.assertEqual(self.resource(self.login(o.rep_b), COMPLAINT, name).status_code, 403)
		before = self.fresh().count(COMPLAINT, {"customer": o.c_b})
		self.assertEqual(self.log(agent, o.c_b).status_code, 403)
		self.assertEqual(self.log(self.login(o.rep_b), o.c_a1).status_code, 403)
		self.assertEqual(self.fresh().count(COMPLAINT, {"customer": o.c_b}), before)
		# Bad input is refused with its message.
		response = self.log(agent, o.c_a1, rating=6)
		self.assertEqual(response.status_code, 417, response.text[:300])
		self.assertIn("between 1 and 5", response.text)

	def test_the_supervisor_assigns_and_the_agent_works_the_complaint_to_its_end(self):
		o = self.org
		received = add_days(now_datetime(), -1)
		response = self.log(self.login(self.supervisor), o.c_a1, received_at=str(received))
		self.assertEqual(response.status_code, 200, response.text[:400])
		name = response.json["data"]["name"]
		response = self.call(
			self.login(self.supervisor),
			"frappe.desk.form.assign_to.add",
			doctype=COMPLAINT,
			name=name,
			assign_to=[o.agent_a],
		)
		self.assertEqual(response.status_code, 200, response.text[:400])
		self.assertEqual(self.fresh().get_value(COMPLAINT, name, "handler"), o.agent_a)
		self.assertTrue(self.fresh().exists("ToDo", {"reference_name": name, "allocated_to": o.agent_a}))

		agent = self.login(o.agent_a)
		response = self.update(agent, name, status="Waiting on Customer")
		self.assertEqual(response.status_code, 200, response.text[:400])
		stored = self.fresh().get_value(
			COMPLAINT,
			name,
			["paused_since", "sla_status", "resolution_by", "first_response_at"],
			as_dict=True,
		)
		self.assertTrue(stored.paused_since and stored.first_response_at)
		self.assertEqual((stored.sla_status, stored.resolution_by), ("Paused", None))
		self.assertEqual(self.update(agent, name, status="In Progress").status_code, 200)
		stored = self.fresh().get_value(COMPLAINT, name, ["paused_since", "resolution_by"], as_dict=True)
		self.assertIsNone(stored.paused_since)
		self.assertTrue(stored.resolution_by)

		response = self.update(agent, name, status="Closed")
		self.assertEqual(response.status_code, 417, response.text[:300])
		self.assertIn("resolution", response.text)
		response = self.update(
			agent,
			name,
			status="Resolved",
			resolution="Re-delivered with express shipping; fee refunded",
			rating=4,
		)
		self.assertEqual(response.status_code, 200, response.text[:400])
		stored = self.fresh().get_value(
			COMPLAINT, name, ["status", "resolved_at", "sla_status"], as_dict=True
		)
		self.assertEqual(stored.status, "Resolved")
		self.assertTrue(stored.resolved_at)
		self.assertIn(stored.sla_status, ("Met", "Breached"))
		self.assertEqual(self.update(agent, name, status="Reopened").status_code, 200)
		stored = self.fresh().get_value(COMPLAINT, name, ["reopen_count", "resolved_at"], as_dict=True)
		self.assertEqual((stored.reopen_count, stored.resolved_at), (1, None))
		self.assertEqual(self.update(agent, name, status="Closed").status_code, 200)
		stored = self.fresh().get_value(COMPLAINT, name, ["status", "closed_at"], as_dict=True)
		self.assertEqual(stored.status, "Closed")
		self.assertTrue(stored.closed_at)

	def test_a_managers_transfer_moves_the_open_complaints_a_departing_rep_handles(self):
		o = self.org
		rep = self.login(o.rep_a2)
		response = self.log(rep, o.c_a2, handler=o.rep_a2)
		self.assertEqual(response.status_code, 200, response.text[:400])
		open_one = response.json["data"]["name"]
		self.assertEqual(self.fresh().get_value(COMPLAINT, open_one, "handler"), o.rep_a2)
		response = self.transfer(o.mgr_a, o.rep_a2, o.rep_a1)
		self.assertEqual(response.status_code, 200, response.text[:400])
		self.assertEqual(self.fresh().get_value(COMPLAINT, open_one, "handler"), o.rep_a1)
		moved = {m["reference_doctype"]: m["records_moved"] for m in response.json["data"]["moved"]}
		self.assertEqual(moved[COMPLAINT], 1)

	def test_complaints_follow_the_customers_permissions(self):
		o = self.org
		on_a1 = self.created_complaint(o.c_a1)
		on_b = self.created_complaint(o.c_b)

		self.assert_listed(COMPLAINT, {o.rep_a1: {on_a1}, o.rep_b: {on_b}, o.agent_a: {on_a1}})
		self.assertEqual(self.resource(self.login(o.rep_a1), COMPLAINT, on_b).status_code, 403)
		# A service agent of division A handles complaints of its customers, not of division B.
		agent = self.login(o.agent_a)
		self.assertEqual(self.resource(agent, COMPLAINT, on_b).status_code, 403)
		response = self.update(agent, on_a1, status="In Progress")
		self.assertEqual(response.status_code, 200, response.text[:400])
		self.assertEqual(self.fresh().get_value(COMPLAINT, on_a1, "status"), "In Progress")
		response = self.update(agent, on_b, status="In Progress")
		self.assertEqual(response.status_code, 403, response.text[:300])
		self.assertEqual(self.fresh().get_value(COMPLAINT, on_b, "status"), "New")

	def created_complaint(self, customer):
		"""A complaint logged (committed) before the test, as set-up."""
		doc = make_complaint(customer, received_at=add_days(now_datetime(), -1))
		frappe.db.commit()
		return doc.name
