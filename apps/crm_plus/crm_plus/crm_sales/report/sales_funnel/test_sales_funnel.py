"""The Sales Funnel report over HTTP as a rep, a manager of another division and an executive."""

from frappe.utils import add_days, today

from crm_plus.crm_sales.report.funnel_test_data import FunnelReportTestCase

REPORT = "Sales Funnel"
HOSTILE = [
	{"division": "' or 1=1 -- "},
	{"account_manager": "x' or '1'='1"},
	{"date_basis": "creation) or (1=1"},
	{"sales_team": "%"},
]


class TestSalesFunnelReport(FunnelReportTestCase):
	def by_stage(self, user, **filters):
		return {r["stage"]: r for r in self.rows(user, REPORT, **filters)}

	def test_the_funnel_by_hand_as_the_executive(self):
		rows = self.by_stage(self.org.executive, division=self.org.div_a)
		order = [s for s in rows if s in ("Prospecting", "Qualification", "Proposal", "Closed Won")]
		self.assertEqual(order, ["Prospecting", "Qualification", "Proposal", "Closed Won"])
		self.assertEqual(
			[(s, rows[s]["count"], rows[s]["amount"]) for s in order],
			[
				("Prospecting", 1, 500),
				("Qualification", 0, 0),
				("Proposal", 1, 1000),
				("Closed Won", 1, 4000),
			],
		)
		self.assertEqual((rows["Closed Lost"]["count"], rows["Closed Lost"]["amount"]), (1, 2000))
		# Weighted: 500 x 10% in Prospecting, 1000 x 60% in Proposal, the won deal whole.
		self.assertEqual([rows[s]["weighted"] for s in order], [50, 0, 600, 4000])
		# 4 reached Prospecting, 3 Qualification (the won deal skipped it but went beyond), 2 Needs
		# Analysis and Proposal, 1 Negotiation and won.
		reached = [rows[s]["reached"] for s in ("Prospecting", "Qualification", "Needs Analysis", "Proposal")]
		self.assertEqual(reached, [4, 3, 2, 2])
		self.assertEqual(rows["Prospecting"]["conversion"], 75.0)
		self.assertEqual(rows["Qualification"]["conversion"], 66.7)
		self.assertEqual(rows["Proposal"]["conversion"], 50.0)
		self.assertEqual(rows["Prospecting"]["average_days"], 4.0)

	def test_the_expected_close_period_and_an_owner(self):
		o = self.org
		rows = self.by_stage(
			o.executive,
			division=o.div_a,
			date_basis="Expected Close",
			account_manager=o.rep_a2,
			to_date=add_days(today(), 30),
		)
		self.assertEqual(sum(r["count"] for r in rows.values()), 1)
		self.assertEqual(rows["Prospecting"]["amount"], 500)
		# The deals close in ten days: none in the period up to today.
		rows = self.by_stage(o.executive, division=o.div_a, date_basis="Expected Close")
		self.assertEqual(sum(r["count"] for r in rows.values()), 0)

	def test_a_rep_sees_their_own_and_another_division_sees_none_of_a(self):
		o = self.org
		rows = self.by_stage(o.rep_a1)
		self.assertEqual(sum(r["count"] for r in rows.values()), 3)  # not rep_a2's nor B's
		self.assertEqual(rows["Prospecting"]["count"], 0)
		for user in (o.rep_b, o.mgr_b):
			rows = self.by_stage(user)
			self.assertEqual(sum(r["count"] for r in rows.values()), 1, user)
			self.assertEqual(rows["Closed Lost"]["amount"], 7000)
			self.assertEqual(rows["Prospecting"]["reached"], 1)
			for filters in ({"division": o.div_a}, {"account_manager": o.rep_a1}, {"sales_team": o.team_a1}):
				rows = self.by_stage(user, **filters)
				self.assertEqual(sum(r["count"] for r in rows.values()), 0, filters)
				self.assertEqual(rows["Prospecting"]["reached"], 0, filters)
				self.assertIsNone(rows["Prospecting"]["average_days"], filters)
		# The manager of A sees the whole division's funnel.
		rows = self.by_stage(o.mgr_a)
		self.assertEqual(sum(r["count"] for r in rows.values()), 4)

	def test_hostile_filters_leak_nothing(self):
		o = self.org
		for filters in HOSTILE:
			status, rows, _chart = self.run_report(o.rep_b, REPORT, **filters)
			if status == 200:
				self.assertLessEqual(sum(r["count"] for r in rows), 1, filters)
				self.assertNotIn(4000, [r["amount"] for r in rows], filters)
			else:
				self.assertIn(status, (403, 417), (filters, rows))
		status, text, _chart = self.run_report(o.rep_b, REPORT, from_date="2026-01-01' or 1=1 -- ")
		self.assertNotEqual(status, 200, text)
