"""Manager reports rerun within minutes come from the viewer's own cache entry (crm_plus.report_cache,
issue 23), over HTTP as users of different teams and divisions on the reports' data set."""

import frappe
from frappe.utils import add_days, today

from crm_plus import report_cache
from crm_plus.tests.report_data import ReportDataTestCase
from crm_plus.tests.utils import assign_customer, make_transaction

REPORT = "Sales Rep Performance"


class TestReportCache(ReportDataTestCase):
	def setUp(self):
		super().setUp()
		report_cache.clear()

	def answer(self, user, report=REPORT, **filters):
		response = self.report_response(user, report, **filters)
		self.assertEqual(response.status_code, 200, response.text[:400])
		message = response.json["message"]
		rows = {r["rep"]: r for r in message["result"] if isinstance(r, dict) and r.get("rep")}
		return rows, message.get("message") or ""

	def test_a_rerun_within_minutes_is_served_from_the_cache_and_says_so(self):
		o = self.org
		rows, message = self.answer(o.mgr_a)
		self.assertEqual(rows[o.rep_a1]["sales"], 4000)
		self.assertIn("Figures as of", message)
		make_transaction(o.c_a1, 2000, posting_date=add_days(today(), -1), sales_person=o.rep_a1)
		frappe.db.commit()
		again, again_message = self.answer(o.mgr_a)
		self.assertEqual(again[o.rep_a1]["sales"], 4000)  # the figures of the time the message states
		self.assertEqual(again_message, message)
		# Other filters are another entry: computed now.
		self.assertEqual(self.answer(o.mgr_a, division=o.div_a)[0][o.rep_a1]["sales"], 6000)
		report_cache.clear()
		self.assertEqual(self.answer(o.mgr_a)[0][o.rep_a1]["sales"], 6000)

	def test_users_of_other_teams_and_divisions_never_get_each_others_entry(self):
		o = self.org
		for report in (REPORT, "Sales Funnel"):
			self.answer(o.executive, report)  # a cached entry that holds every rep
		self.assertEqual(set(self.answer(o.mgr_a)[0]), {o.rep_a1, o.rep_a2})
		# Same report, same filters, right after: a manager and a rep of division B get only their rows.
		self.assertEqual(set(self.answer(o.mgr_b)[0]), {o.rep_b})
		self.assertEqual(set(self.answer(o.rep_b)[0]), {o.rep_b})
		self.assertEqual(set(self.answer(o.rep_a1)[0]), {o.rep_a1})
		self.assertEqual(self.answer(o.rep_b)[0][o.rep_b]["sales"], 7000)
		self.assertNotIn(o.rep_b, self.answer(o.mgr_a)[0])
		self.assertNotIn(o.rep_b, self.answer(o.head_a)[0])

	def test_a_change_of_the_viewers_scope_is_another_entry(self):
		o = self.org
		self.as_user(o.rep_b)
		before = report_cache.cache_key(REPORT, {"from_date": today()})
		self.as_user("Administrator")
		assign_customer(o.rep_b, o.c_a1)
		self.addCleanup(frappe.db.rollback)  # never committed
		self.as_user(o.rep_b)
		self.assertNotEqual(report_cache.cache_key(REPORT, {"from_date": today()}), before)

	def test_a_change_of_the_organisation_drops_every_entry(self):
		o = self.org
		self.answer(o.mgr_a)
		self.answer(o.mgr_b)
		self.assertGreaterEqual(len(frappe.cache().get_keys(report_cache.PREFIX)), 2)
		frappe.get_doc("CRM Sales Team", o.team_b).save()
		self.assertEqual(frappe.cache().get_keys(report_cache.PREFIX), [])
