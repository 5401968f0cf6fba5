"""Grade Migration on the reports' data set, read over HTTP by the division head."""

from frappe.utils import add_days, today

from crm_plus.tests.report_data import ReportDataTestCase


class TestGradeMigration(ReportDataTestCase):
	def test_grade_migration_matrix(self):
		o = self.org
		rows = self.rows(o.head_a, "Grade Migration", from_date=add_days(today(), -60))
		self.assertEqual(sum(r["total"] for r in rows), 2)  # both division A customers, graded this run
		not_graded = next(r for r in rows if r["from_grade"] == "Not Graded")
		self.assertEqual(not_graded["total"], 2)
