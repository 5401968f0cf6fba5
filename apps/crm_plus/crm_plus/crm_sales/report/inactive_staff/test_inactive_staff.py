"""The Inactive Staff report (seed 001) over HTTP: managers see their own teams' idle staff, executives
everyone's, reps do not get the report."""

import frappe
from frappe.utils import add_days, now_datetime

from crm_plus.tests.http import HTTPTestCase

REPORT = "Inactive Staff"


class TestInactiveStaff(HTTPTestCase):
	def setUp(self):
		super().setUp()
		o = self.org
		# rep_a2 idle for 30 days, rep_a1 for 3, rep_b for 20 (both the last login and the last activity).
		for user, days in ((o.rep_a2, 30), (o.rep_a1, 3), (o.rep_b, 20)):
			seen = add_days(now_datetime(), -days)
			frappe.db.set_value(
				"User",
				user,
				{"last_active": seen, "last_login": seen.strftime("%Y-%m-%d %H:%M:%S.%f")},
				update_modified=False,
			)
		frappe.db.commit()

	def run_report(self, user, **filters):
		response = self.call(
			self.login(user), "frappe.desk.query_report.run", report_name=REPORT, filters=filters
		)
		if response.status_code != 200:
			return response.status_code, response.text[:300]
		return 200, {r["user"]: r for r in response.json["message"]["result"] if isinstance(r, dict)}

	def users(self, user, **filters) -> dict:
		status, rows = self.run_report(user, **filters)
		self.assertEqual(status, 200, rows)
		return rows

	def test_a_manager_sees_their_teams_idle_staff(self):
		o = self.org
		rows = self.users(o.mgr_a)
		self.assertIn(o.rep_a2, rows)
		self.assertEqual(rows[o.rep_a2]["days_inactive"], 30)
		self.assertNotIn(o.rep_a1, rows)  # seen 3 days ago
		self.assertNotIn(o.rep_b, rows)  # another division
		self.assertIn(o.rep_a1, self.users(o.mgr_a, days=2))
		self.assertNotIn(o.rep_a2, self.users(o.mgr_a, days=31))
		rows = self.users(o.mgr_b)
		self.assertIn(o.rep_b, rows)
		self.assertFalse({o.rep_a1, o.rep_a2} & set(rows))
		# Asking for division A's team shows nothing of it.
		self.assertFalse({o.rep_a1, o.rep_a2} & set(self.users(o.mgr_b, sales_team=o.team_a1, days=1)))

	def test_the_executive_sees_every_division(self):
		o = self.org
		rows = self.users(o.executive)
		self.assertTrue({o.rep_a2, o.rep_b} <= set(rows))
		self.assertNotIn(o.rep_a1, rows)
		self.assertEqual(set(self.users(o.executive, division=o.div_b)) & {o.rep_a2, o.rep_b}, {o.rep_b})

	def test_reps_do_not_get_the_report_and_bad_days_are_refused(self):
		o = self.org
		self.assertEqual(self.run_report(o.rep_a1)[0], 403)
		self.assertEqual(self.run_report(o.agent_a)[0], 403)
		for days in ("abc", 0, "14) or (1=1"):
			status, text = self.run_report(o.mgr_a, days=days)
			self.assertEqual(status, 417, (days, text))
