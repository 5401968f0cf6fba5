"""The Lost Reason Analysis report over HTTP as a rep, a manager of another division and an executive."""

from crm_plus.crm_sales.report.funnel_test_data import FunnelReportTestCase

REPORT = "Lost Reason Analysis"


class TestLostReasonAnalysis(FunnelReportTestCase):
	def test_reasons_by_hand_as_the_executive(self):
		o = self.org
		rows = self.rows(o.executive, REPORT, division=o.div_a)
		self.assertEqual(
			[(r["reason"], r["count"], r["amount"], r["share"]) for r in rows], [("Price", 1, 2000, 100.0)]
		)
		rows = self.rows(o.executive, REPORT, division=o.div_b)
		self.assertEqual([(r["reason"], r["amount"]) for r in rows], [("Timing", 7000)])
		rows = self.rows(o.executive, REPORT, division=o.div_b, breakdown="Opportunity Owner")
		self.assertEqual([(r["reason"], r["breakdown"], r["count"]) for r in rows], [("Timing", o.rep_b, 1)])
		rows = self.rows(o.executive, REPORT, division=o.div_b, breakdown="Month")
		self.assertEqual(len(rows), 1)
		self.assertRegex(rows[0]["breakdown"], r"^\d{4}-\d{2}$")
		# A period before anything was lost.
		self.assertEqual(
			self.rows(o.executive, REPORT, division=o.div_a, from_date="2020-01-01", to_date="2020-12-31"), []
		)

	def test_each_viewer_sees_only_their_losses(self):
		o = self.org
		rows = self.rows(o.rep_a1, REPORT)
		self.assertEqual(
			[(r["reason"], r["amount"], r["amount_share"]) for r in rows], [("Price", 2000, 100.0)]
		)
		for user in (o.rep_b, o.mgr_b):
			rows = self.rows(user, REPORT)
			self.assertEqual([(r["reason"], r["amount"]) for r in rows], [("Timing", 7000)], user)
			for filters in (
				{"division": o.div_a},
				{"account_manager": o.rep_a1},
				{"breakdown": "Sales Team"},
			):
				rows = self.rows(user, REPORT, **filters)
				self.assertNotIn("Price", [r["reason"] for r in rows], filters)

	def test_hostile_filters_leak_nothing(self):
		o = self.org
		for filters in (
			{"breakdown": "o.name, (select group_concat(name) from `tabUser`)"},
			{"division": "' or 1=1 -- "},
			{"account_manager": "%"},
		):
			status, rows, _chart = self.run_report(o.rep_b, REPORT, **filters)
			self.assertEqual(status, 200, rows)
			self.assertNotIn("Price", [r["reason"] for r in rows], filters)
			self.assertTrue(all("breakdown" not in r or r["breakdown"] is None for r in rows), filters)
