"""Sales Rep Performance's pipeline columns (issue 15) over HTTP; the other columns are tested in
crm_plus/tests/test_reports.py."""

from crm_plus.crm_sales.report.funnel_test_data import FunnelReportTestCase

REPORT = "Sales Rep Performance"


class TestPipelineByRep(FunnelReportTestCase):
	def by_rep(self, user, **filters):
		return {r["rep"]: r for r in self.rows(user, REPORT, **filters)}

	def test_pipeline_by_rep_by_hand(self):
		o = self.org
		rows = self.by_rep(o.executive, division=o.div_a)
		a1, a2 = rows[o.rep_a1], rows[o.rep_a2]
		self.assertEqual((a1["new_leads"], a1["converted_leads"]), (2, 1))
		self.assertEqual((a1["open_pipeline"], a1["weighted_pipeline"]), (1000, 600))
		self.assertEqual((a1["won"], a1["lost"], a1["win_rate"]), (1, 1, 50.0))
		self.assertEqual((a2["open_pipeline"], a2["weighted_pipeline"], a2["win_rate"]), (500, 50, None))
		self.assertEqual((a2["new_leads"], a2["won"]), (0, 0))
		self.assertNotIn(o.rep_b, rows)

	def test_a_rep_of_b_sees_none_of_as_pipeline(self):
		o = self.org
		rows = self.by_rep(o.rep_b)
		self.assertEqual(set(rows), {o.rep_b})
		self.assertEqual((rows[o.rep_b]["lost"], rows[o.rep_b]["win_rate"]), (1, 0.0))
		for user in (o.rep_b, o.mgr_b):
			for filters in ({"division": o.div_a}, {"account_manager": o.rep_a1}, {"sales_team": o.team_a1}):
				self.assertFalse({o.rep_a1, o.rep_a2} & set(self.by_rep(user, **filters)), (user, filters))
		rows = self.by_rep(o.mgr_a)
		self.assertEqual(rows[o.rep_a1]["open_pipeline"], 1000)
		self.assertNotIn(o.rep_b, rows)
