"""The first-response clock on a real site: its state, the response ladder run twice at fixed moments
(the job's `now`: freezegun is not installed in the bench), the first response recorded when staff act
(a comment over HTTP as the handler), alerts queued as email under each user's settings, a site's own
Notification on CRM Complaint firing when the job raises the escalation level, and the response
figures of Service Performance."""

from datetime import datetime, time

import frappe
from frappe.utils import add_to_date, get_datetime, now_datetime

from crm_plus.crm_complaints import service_level
from crm_plus.crm_complaints.report.service_performance import service_performance
from crm_plus.tests.complaints import answered, handler_notification, make_complaint, service_org
from crm_plus.tests.http import HTTPTestCase
from crm_plus.tests.utils import CRMTestCase, make_user


def notes(user: str, complaint: str, text: str = "") -> int:
	return frappe.db.count(
		"Notification Log",
		{"for_user": user, "document_name": complaint, "subject": ("like", f"%{text}%")},
	)


def queued_emails(user: str, complaint: str) -> int:
	"""Email Queue rows about the complaint addressed to the user."""
	return frappe.db.sql(
		"""select count(*) from `tabEmail Queue` q join `tabEmail Queue Recipient` r on r.parent = q.name
		where q.reference_doctype = 'CRM Complaint' and q.reference_name = %s and r.recipient = %s""",
		(complaint, frappe.db.get_value("User", user, "email")),
	)[0][0]


def set_email_notifications(user: str, enabled: int) -> None:
	if not frappe.db.exists("Notification Settings", user):
		frappe.get_doc({"doctype": "Notification Settings", "name": user, "user": user}).insert(
			ignore_permissions=True
		)
	frappe.db.set_value("Notification Settings", user, "enable_email_notifications", enabled)


def use_test_outgoing_account(case) -> None:
	"""An outgoing email account for this class only (emails are queued, never sent in tests)."""
	frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_account_name": "CRM Plus SLA Tests",
			"email_id": "crm-sla-tests@test.example",
			"enable_outgoing": 1,
			"default_outgoing": 1,
			"smtp_server": "localhost",
			"no_smtp_authentication": 1,
		}
	).insert(ignore_permissions=True)
	# Frappe caches the outgoing account per process: forget it with the class's rollback.
	case.addClassCleanup(lambda: setattr(frappe.local, "outgoing_email_account", {}))
	frappe.local.outgoing_email_account = {}


class TestResponseClock(CRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		service_org(cls)
		use_test_outgoing_account(cls)
		for user in (cls.org.agent_a, cls.supervisor, cls.service_manager):
			set_email_notifications(user, 1)

	def test_the_response_state_is_kept_beside_the_resolution_state(self):
		doc = make_complaint(self.org.c_a1, handler=self.org.agent_a)
		self.assertEqual(str(doc.response_by), "2026-11-16 09:10:00")
		self.assertIsNone(doc.first_response_at)
		self.assertEqual((doc.response_sla_status, doc.sla_status), ("Breached", "Breached"))
		# Acknowledging is the first response: the response state is then judged at that moment.
		doc.status = "Acknowledged"
		doc.save()
		self.assertTrue(doc.first_response_at)
		self.assertEqual(doc.response_sla_status, "Breached")  # answered a week late
		# Clients cannot write the response state or the response ladder's level.
		meta = frappe.get_meta("CRM Complaint")
		for field in ("response_sla_status", "response_escalation_level"):
			self.assertEqual(meta.get_field(field).permlevel, 2)
			self.assertTrue(meta.get_field(field).read_only)

	def test_the_response_ladder_runs_once_per_step(self):
		o = self.org
		doc = make_complaint(o.c_a1, handler=o.agent_a)

		def state():
			return frappe.db.get_value(
				"CRM Complaint",
				doc.name,
				["response_sla_status", "response_escalation_level", "escalation_level"],
			)

		service_level.escalate(now=datetime(2026, 11, 16, 9, 5))
		self.assertEqual(state(), ("On Track", 0, 0))
		self.assertEqual(notes(o.agent_a, doc.name), 0)

		for _ in range(2):  # 8 of 10 minutes gone: the handler is warned, once
			service_level.escalate(now=datetime(2026, 11, 16, 9, 8))
		self.assertEqual(state(), ("At Risk", 1, 0))
		self.assertEqual(notes(o.agent_a, doc.name, "first response is due soon"), 1)
		self.assertEqual(queued_emails(o.agent_a, doc.name), 1)

		for _ in range(2):  # no answer by 09:10: the supervisors of division A, once
			service_level.escalate(now=datetime(2026, 11, 16, 9, 15))
		self.assertEqual(state(), ("Breached", 2, 0))
		self.assertEqual(notes(self.supervisor, doc.name, "first response is overdue"), 1)
		self.assertEqual(queued_emails(self.supervisor, doc.name), 1)
		self.assertEqual(notes(self.service_manager, doc.name), 0)

		for _ in range(2):  # 120 working minutes without an answer: the service manager, once
			service_level.escalate(now=datetime(2026, 11, 16, 11, 10))
		self.assertEqual(state(), ("Breached", 3, 0))  # the resolution ladder has not moved
		self.assertEqual(notes(self.service_manager, doc.name, "overdue for a long time"), 1)
		self.assertEqual(queued_emails(self.service_manager, doc.name), 1)
		self.assertEqual(notes(self.supervisor, doc.name), 1)
		self.assertEqual(notes(o.agent_a, doc.name), 1)

		doc.reload()
		rows = [(r.clock, r.level, r.escalated_to) for r in doc.escalations]
		self.assertEqual(
			rows,
			[
				("Response", 1, o.agent_a),
				("Response", 2, self.supervisor),
				("Response", 3, self.service_manager),
			],
		)
		self.assertEqual(
			frappe.db.count(
				"CRM Sent Notification", {"reference_name": doc.name, "key": ("like", "complaint-response%")}
			),
			3,
		)
		# The resolution ladder still climbs on its own clock, with its own steps.
		service_level.escalate(now=datetime(2026, 11, 16, 14, 30))
		self.assertEqual(state()[2], 2)
		self.assertEqual(notes(self.supervisor, doc.name, "resolution deadline has passed"), 1)

	def assert_not_escalated(self, doc, response_state: str):
		"""The complaint's response is `response_state`, at level 0, with no escalation and no note to
		the supervisor."""
		self.assertEqual(
			frappe.db.get_value(
				"CRM Complaint", doc.name, ["response_sla_status", "response_escalation_level"]
			),
			(response_state, 0),
		)
		self.assertEqual(frappe.db.count("CRM Complaint Escalation", {"parent": doc.name}), 0)
		self.assertEqual(notes(self.supervisor, doc.name), 0)

	def test_an_answer_in_time_stops_the_response_ladder(self):
		doc = make_complaint(self.org.c_a1, handler=self.org.agent_a)
		answered(doc, datetime(2026, 11, 16, 9, 6))
		service_level.escalate(now=datetime(2026, 11, 16, 10, 0))
		self.assert_not_escalated(doc, "Met")

	def test_a_late_answer_is_breached_but_alerts_nobody(self):
		doc = make_complaint(self.org.c_a1, handler=self.org.agent_a)
		answered(doc, datetime(2026, 11, 16, 9, 40))  # half an hour late, before any pass ran
		for _ in range(2):
			service_level.escalate(now=datetime(2026, 11, 16, 10, 0))
		self.assert_not_escalated(doc, "Breached")
		self.assertEqual(notes(self.org.agent_a, doc.name), 0)

	def test_no_email_for_a_user_who_turned_email_off(self):
		o = self.org
		set_email_notifications(self.supervisor, 0)
		doc = make_complaint(o.c_a1, handler=o.agent_a)
		answered(doc, datetime(2026, 11, 16, 9, 6))
		service_level.escalate(now=datetime(2026, 11, 16, 14, 30))  # resolution breached
		self.assertEqual(notes(self.supervisor, doc.name), 1)  # still in the bell
		self.assertEqual(queued_emails(self.supervisor, doc.name), 0)
		self.assertEqual(queued_emails(o.agent_a, doc.name), 1)  # the handler's warning is emailed
		set_email_notifications(self.supervisor, 1)

	def test_a_site_notification_on_the_escalation_level_fires(self):
		"""An admin's no-code Notification (Value Change of escalation_level) runs when the job escalates."""
		o = self.org
		subject = f"Escalated {o.suffix}: {{{{ doc.name }}}} to level {{{{ doc.escalation_level }}}}"
		notification = handler_notification(
			f"CRM escalation {o.suffix}", "escalation_level", subject, "Escalated"
		)
		# The notifications of a DocType are cached in Redis, which the rollback does not reach: remove
		# the notification and forget the cached list before the next test saves a complaint.
		self.addCleanup(frappe.cache.hdel, "notifications", "CRM Complaint")
		self.addCleanup(
			frappe.delete_doc, "Notification", notification.name, force=True, ignore_permissions=True
		)
		doc = make_complaint(o.c_a1, handler=o.agent_a)
		answered(doc, datetime(2026, 11, 16, 9, 6))

		def fired(level):
			return notes(o.agent_a, doc.name, f"Escalated {o.suffix}: {doc.name} to level {level}")

		service_level.escalate(now=datetime(2026, 11, 16, 10, 0))  # nothing due: no level change
		self.assertEqual(notes(o.agent_a, doc.name, f"Escalated {o.suffix}"), 0)
		for _ in range(2):
			service_level.escalate(now=datetime(2026, 11, 16, 13, 30))
		self.assertEqual(fired(1), 1)
		for _ in range(2):
			service_level.escalate(now=datetime(2026, 11, 16, 14, 30))
		self.assertEqual(fired(2), 1)
		self.assertEqual(notes(o.agent_a, doc.name, f"Escalated {o.suffix}"), 2)

	def test_only_complaints_whose_state_changes_are_saved(self):
		doc = make_complaint(self.org.c_a1, handler=self.org.agent_a)
		answered(doc, datetime(2026, 11, 16, 9, 6))

		def modified():
			return frappe.db.get_value("CRM Complaint", doc.name, "modified")

		before = modified()
		service_level.escalate(now=datetime(2026, 11, 16, 14, 30))  # breached, escalated: saved
		saved = modified()
		self.assertGreater(saved, before)
		self.assertEqual(frappe.db.get_value("CRM Complaint", doc.name, "modified_by"), "Administrator")
		# Later passes with the same states only move the breach minutes: no save.
		service_level.escalate(now=datetime(2026, 11, 16, 14, 50))
		self.assertEqual(modified(), saved)
		self.assertEqual(frappe.db.get_value("CRM Complaint", doc.name, "breach_minutes"), 50)

	def test_a_reply_sent_by_staff_is_the_first_response_and_the_customers_mail_is_not(self):
		o = self.org
		doc = make_complaint(o.c_a1, handler=o.agent_a)

		def communication(direction):
			return frappe.get_doc(
				{
					"doctype": "Communication",
					"communication_type": "Communication",
					"communication_medium": "Email",
					"sent_or_received": direction,
					"subject": f"Re: {doc.subject}",
					"content": "The parcel left Shanghai this morning.",
					"sender": "customer-a1@test.example" if direction == "Received" else o.agent_a,
					"recipients": o.agent_a if direction == "Received" else "customer-a1@test.example",
					"reference_doctype": "CRM Complaint",
					"reference_name": doc.name,
				}
			).insert(ignore_permissions=True)

		communication("Received")
		self.assertIsNone(frappe.db.get_value("CRM Complaint", doc.name, "first_response_at"))
		self.as_user(o.agent_a)
		reply = communication("Sent")
		self.as_user("Administrator")
		self.assertEqual(
			frappe.db.get_value("CRM Complaint", doc.name, "first_response_at"), get_datetime(reply.creation)
		)

	def test_service_performance_reports_response_figures(self):
		o = self.org
		handler = make_user("org-sla-handler@test.example", ["CRM Service Agent"])
		in_time = make_complaint(o.c_a1, handler=handler)
		answered(in_time, datetime(2026, 11, 16, 9, 5))  # 5 working minutes
		late = make_complaint(o.c_a2, handler=handler, received_at=datetime(2026, 11, 16, 11, 55))
		answered(late, datetime(2026, 11, 16, 13, 30))  # 5 before lunch + 30 after: 35 working minutes
		unanswered = make_complaint(o.c_a2, handler=handler, received_at=datetime(2026, 11, 17, 9, 0))
		self.assertIsNone(unanswered.first_response_at)  # overdue: counts as not met, has no time
		columns, rows, *_ = service_performance.execute(
			{"from_date": "2026-11-01", "to_date": "2026-11-30", "division": o.div_a}
		)
		row = next(r for r in rows if r.handler == handler)
		self.assertEqual(row.handled, 3)
		self.assertEqual(row.response_met, 33.3)
		self.assertEqual(row.response_minutes, 20.0)  # the median of 5 and 35
		labels = {c["fieldname"]: c["label"] for c in columns}
		self.assertEqual(labels["response_met"], "Response Met %")  # in _(): zh.po is checked in tier 1


ROUND_THE_CLOCK = [
	{"weekday": day, "start_time": time(0), "end_time": time(23, 59, 59)}
	for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
]


class TestFirstResponseJourney(HTTPTestCase):
	"""The handler answers a new complaint with a comment in the desk: the response clock stops, Met."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		o = cls.org
		frappe.db.set_value("CRM Customer", [o.c_a1, o.c_a2, o.c_b], "grade", "Ordinary")
		cls.policy = (
			frappe.get_doc(
				{
					"doctype": "CRM SLA Policy",
					"policy_name": f"Round the clock {o.suffix}",
					"customer_grade": "Ordinary",
					"severity": "Low",
					"response_minutes": 10,
					"resolution_minutes": 240,
					"at_risk_percent": 75,
					"manager_after_minutes": 120,
					"working_hours": ROUND_THE_CLOCK,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		names = frappe.get_all(
			"CRM Complaint", {"customer": ("in", list(cls.org.all_customers))}, pluck="name"
		)
		if names:  # tests.http.remove_org leaves the customers' complaints behind
			for doctype, field in (
				("Comment", "reference_name"),
				("Communication", "reference_name"),
				("Version", "docname"),
				("CRM Complaint Escalation", "parent"),
				("CRM Complaint", "name"),
			):
				frappe.db.delete(doctype, {field: ("in", names)})
		frappe.delete_doc("CRM SLA Policy", cls.policy, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	def new_complaint(self):
		doc = make_complaint(
			self.org.c_a1,
			handler=self.org.agent_a,
			severity="Low",
			received_at=add_to_date(now_datetime(), minutes=-2),
		)
		frappe.db.commit()
		self.assertEqual(doc.sla_policy, self.policy)
		self.assertEqual(doc.response_sla_status, "On Track")
		return doc

	def test_a_comment_by_the_handler_is_the_first_response(self):
		doc = self.new_complaint()
		agent = self.login(self.org.agent_a)
		response = self.add_comment(
			agent,
			"CRM Complaint",
			doc.name,
			"<p>We are looking into the delay and will call you within the hour.</p>",
			self.org.agent_a,
			"Agent A",
		)
		self.assertEqual(response.status_code, 200, response.text)
		first, state = self.fresh().get_value(
			"CRM Complaint", doc.name, ["first_response_at", "response_sla_status"]
		)
		self.assertTrue(first)
		self.assertEqual(state, "Met")
		# A later comment does not move the first response.
		self.add_comment(
			agent,
			"CRM Complaint",
			doc.name,
			"<p>Update: the parcel is on its way.</p>",
			self.org.agent_a,
			"Agent A",
		)
		self.assertEqual(self.fresh().get_value("CRM Complaint", doc.name, "first_response_at"), first)

	def test_acknowledging_is_the_first_response(self):
		doc = self.new_complaint()
		agent = self.login(self.org.agent_a)
		response = self.set_value(agent, "CRM Complaint", doc.name, "status", "Acknowledged")
		self.assertEqual(response.status_code, 200, response.text)
		first, state = self.fresh().get_value(
			"CRM Complaint", doc.name, ["first_response_at", "response_sla_status"]
		)
		self.assertTrue(first)
		self.assertEqual(state, "Met")

	def test_the_handler_cannot_write_the_response_state(self):
		doc = self.new_complaint()
		agent = self.login(self.org.agent_a)
		self.set_value(
			agent,
			"CRM Complaint",
			doc.name,
			{"response_sla_status": "Met", "response_escalation_level": 0, "subject": "Late parcel"},
		)
		values = self.fresh().get_value(
			"CRM Complaint", doc.name, ["subject", "response_sla_status", "first_response_at"]
		)
		self.assertEqual(values, ("Late parcel", "On Track", None))
