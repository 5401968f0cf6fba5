"""Activities (一般行动) as their actors log them over HTTP: against one's own lead, customer or
opportunity, on its timeline, counted as a follow-up; never against, nor visible from, another
division's records."""

import frappe
from frappe.utils import add_days, now_datetime, random_string

from crm_plus.crm_visits.followups import followups_overdue, sales_followups_overdue
from crm_plus.tests.names import ACTIVITY, LEAD
from crm_plus.tests.sales_utils import SalesTestCase
from crm_plus.tests.utils import make_customer


class TestActivities(SalesTestCase):
	def log_activity(self, client, activity_type: str, subject: str, **fields):
		"""An activity entered over REST as `client` (its record links among `fields`): the answer."""
		return self.insert(client, ACTIVITY, activity_type=activity_type, subject=subject, **fields)

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		o = cls.org
		frappe.set_user("Administrator")
		cls.lead = cls.make_lead(cls, o.rep_a1, o.team_a1)
		cls.opportunity = cls.make_opportunity(cls, cls.lead, o.rep_a1, o.team_a1)
		cls.secret = frappe.get_doc(
			{
				"doctype": ACTIVITY,
				"activity_type": "Meeting",
				"subject": "Secret Meeting " + o.suffix,
				"lead": cls.lead,
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()

	def test_a_rep_logs_activities_on_their_lead_customer_and_opportunity_timelines(self):
		o = self.org
		rep = self.login(o.rep_a1)
		for field, name in (("lead", self.lead), ("customer", o.c_a1), ("opportunity", self.opportunity)):
			subject = f"Call about {field} {random_string(5)}"
			created = self.log_activity(rep, "Call", subject, **{field: name})
			self.assertEqual(created.status_code, 200, created.text[:300])
			doctype = {"lead": LEAD, "customer": "CRM Customer", "opportunity": "CRM Opportunity"}[field]
			loaded = self.call(rep, "frappe.desk.form.load.getdoc", http="GET", doctype=doctype, name=name)
			self.assertEqual(loaded.status_code, 200, loaded.text[:300])
			timeline = loaded.json["docinfo"]["additional_timeline_content"]
			self.assertTrue(any(subject in item["content"] for item in timeline), field)
		# Exactly one record: none, or two, is refused.
		none = self.log_activity(rep, "Note", "Nowhere")
		self.assertEqual(none.status_code, 417, none.text[:300])
		both = self.log_activity(rep, "Note", "Twice", lead=self.lead, customer=o.c_a1)
		self.assertEqual(both.status_code, 417, both.text[:300])
		# Done: the server stamps when.
		done = self.log_activity(rep, "Call", "Done", lead=self.lead, done=1, outcome="Interested")
		self.assertTrue(done.json["data"]["done_on"], done.text[:300])

	def test_another_divisions_rep_cannot_see_or_log_against_anothers_records(self):
		o = self.org
		rep = self.login(o.rep_b)
		self.assert_hidden_everywhere(rep, ACTIVITY, self.secret.name, [self.secret.name, "Secret Meeting"])
		for field, name in (("lead", self.lead), ("customer", o.c_a1), ("opportunity", self.opportunity)):
			poach = self.log_activity(rep, "Call", "Poach", **{field: name})
			self.assertTrue(self.refused(poach), f"{field}: {poach.text[:300]}")
		# Re-pointing one's own activity at another's record, or editing another's activity.
		mine = self.log_activity(rep, "Call", "Mine", customer=o.c_b)
		self.assertEqual(mine.status_code, 200, mine.text[:300])
		name = mine.json["data"]["name"]
		moved = self.update(rep, ACTIVITY, name, customer=None, lead=self.lead)
		self.assertTrue(self.refused(moved), moved.text[:300])
		self.assertEqual(self.fresh().get_value(ACTIVITY, name, "customer"), o.c_b)
		edit = self.update(rep, ACTIVITY, self.secret.name, subject="Hijacked", lead=None, customer=o.c_b)
		self.assertTrue(self.refused(edit), edit.text[:300])
		self.assertEqual(self.fresh().get_value(ACTIVITY, self.secret.name, "lead"), self.lead)
		# A colleague in the same team who does not own the lead cannot log against it either.
		colleague = self.log_activity(self.login(o.rep_a2), "Call", "X", lead=self.lead)
		self.assertTrue(self.refused(colleague), colleague.text[:300])

	def test_who_sees_an_activity(self):
		self.assert_audience(
			ACTIVITY, self.secret.name, self.team_a1_audience(agent_sees=None), report_view=True
		)

	def test_a_done_activity_is_a_follow_up_of_leads_opportunities_and_customers(self):
		o = self.org
		old = add_days(now_datetime(), -45)
		lead = self.make_lead(o.rep_a2, o.team_a1)
		opportunity = self.make_opportunity(lead, o.rep_a2, o.team_a1)
		for doctype, name in ((LEAD, lead), ("CRM Opportunity", opportunity), ("CRM Customer", o.c_a2)):
			frappe.db.set_value(doctype, name, "creation", old, update_modified=False)
		frappe.db.commit()

		def overdue():
			rows = sales_followups_overdue(user=o.rep_a2)
			return {(r["doctype"], r["record"]) for r in rows}

		self.assertLessEqual({(LEAD, lead), ("CRM Opportunity", opportunity)}, overdue())
		self.assertIn(o.c_a2, {r["customer"] for r in followups_overdue()})
		rep = self.login(o.rep_a2)
		# A planned activity is not a follow-up; a done one is.
		planned = self.log_activity(rep, "Call", "Later", lead=lead)
		self.assertEqual(planned.status_code, 200, planned.text[:300])
		self.assertIn((LEAD, lead), overdue())
		for field, name in (("lead", lead), ("opportunity", opportunity), ("customer", o.c_a2)):
			done = self.log_activity(rep, "Call", "Called", done=1, **{field: name})
			self.assertEqual(done.status_code, 200, done.text[:300])
		self.fresh()
		self.assertFalse({(LEAD, lead), ("CRM Opportunity", opportunity)} & overdue())
		self.assertNotIn(o.c_a2, {r["customer"] for r in followups_overdue()})

	def test_plus_in_an_opportunitys_or_customers_connections_logs_against_that_record(self):
		"""The desk's "+" in Connections copies the shared Link fields: from an opportunity its customer
		and lead too, from a customer the lead it came from. The activity is kept on that record."""
		o = self.org
		frappe.set_user("Administrator")
		lead = self.make_lead(o.rep_a1, o.team_a1)
		frappe.db.set_value("CRM Customer", o.c_a1, "lead", lead)
		opportunity = frappe.get_doc(
			{
				"doctype": "CRM Opportunity",
				"title": "Deal " + random_string(8),
				"customer": o.c_a1,
				"lead": lead,
				"account_manager": o.rep_a1,
				"sales_team": o.team_a1,
				"expected_amount": 5000,
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		rep = self.login(o.rep_a1)
		logged = self.log_activity(
			rep,
			"Call",
			"From the opportunity",
			opportunity=opportunity.name,
			customer=o.c_a1,
			lead=lead,
		)
		self.assertEqual(logged.status_code, 200, logged.text[:300])
		data = logged.json["data"]
		self.assertEqual(
			(data["opportunity"], data.get("customer"), data.get("lead")), (opportunity.name, None, None)
		)
		from_customer = self.log_activity(rep, "Note", "From the customer", customer=o.c_a1, lead=lead)
		self.assertEqual(from_customer.status_code, 200, from_customer.text[:300])
		self.assertEqual(
			(from_customer.json["data"]["customer"], from_customer.json["data"].get("lead")), (o.c_a1, None)
		)
		# Records that do not belong together are still refused: another customer than the opportunity's
		# (one the rep may edit too: a customer the rep may not edit is refused before, as not permitted).
		frappe.set_user("Administrator")
		other = make_customer(account_manager=o.rep_a1, sales_team=o.team_a1).name
		o.extra_customers = [*getattr(o, "extra_customers", ()), other]
		frappe.db.commit()
		mixed = self.log_activity(
			rep,
			"Call",
			"Mixed",
			opportunity=opportunity.name,
			customer=other,
			lead=lead,
		)
		self.assertEqual(mixed.status_code, 417, mixed.text[:300])
		self.assertIn("one record only", mixed.text)
