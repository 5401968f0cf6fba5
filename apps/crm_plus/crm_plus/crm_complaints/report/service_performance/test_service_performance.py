"""Service Performance on the reports' data set, read over HTTP by the agent."""

from crm_plus.tests.report_data import ReportDataTestCase


class TestServicePerformance(ReportDataTestCase):
	def test_service_performance_as_the_agent(self):
		o = self.org
		rows = self.rows(o.agent_a, "Service Performance")
		agent = next(r for r in rows if r.get("handler") == o.agent_a)
		self.assertEqual(
			(agent["handled"], agent["resolved"], agent["sla_met"], agent["reopen_rate"]), (3, 0, None, 0.0)
		)
