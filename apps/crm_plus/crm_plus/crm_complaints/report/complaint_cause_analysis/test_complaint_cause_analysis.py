"""Complaint Cause Analysis on the reports' data set, read over HTTP by division heads, managers and reps."""

from crm_plus.tests.report_data import ReportDataTestCase


class TestComplaintCauseAnalysis(ReportDataTestCase):
	def test_complaint_pareto_by_hand_and_per_viewer(self):
		o = self.org
		rows = self.rows(o.head_a, "Complaint Cause Analysis")
		self.assertEqual(
			[(r["cause"], r["count"], r["cumulative"]) for r in rows],
			[("Delivery Delay", 2, 66.7), ("Billing", 1, 100.0)],
		)
		rows = self.rows(o.mgr_b, "Complaint Cause Analysis")
		self.assertEqual(
			[(r["cause"], r["count"]) for r in rows if r["cause"] in ("Delivery Delay", "Billing", "Damage")],
			[("Damage", 1)],
		)
		# Reps do not read the complaint analysis at all.
		status, _rows = self.run_report(o.rep_b, "Complaint Cause Analysis")
		self.assertEqual(status, 403)
