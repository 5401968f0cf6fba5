"""The demo's funnel (crm_plus.devtools.demo.make_sales), generated in bulk into a transaction that is rolled back:
every opportunity walked the stages its log shows, in order, with the days between the changes; the
lost ones have a reason; status and probability are those of the stage; the funnel report reads it."""

import itertools
import random
from collections import defaultdict

import frappe

from crm_plus.crm_sales.doctype.crm_opportunity.crm_opportunity import stages
from crm_plus.devtools import demo
from crm_plus.domain import sales
from crm_plus.tests.utils import CRMTestCase, Org


class TestSalesDemo(CRMTestCase):
	def tearDown(self):
		frappe.db.rollback()
		super().tearDown()

	def test_the_demo_funnel_is_consistent(self):
		if frappe.db.exists("CRM Lead", "DLEAD0000001"):
			self.skipTest("the site has the demo's funnel")
		o = Org()
		org = {
			"reps": [o.rep_a1, o.rep_b],
			"team_of": {o.rep_a1: o.team_a1, o.rep_b: o.team_b},
			"division_of_team": {o.team_a1: o.div_a, o.team_b: o.div_b},
		}
		customers = [(o.c_a1, o.rep_a1, None), (o.c_b, o.rep_b, None)]
		demo.SALES_SIZES["test"] = {"leads": 40, "opportunities": 60}
		try:
			added = demo.make_sales(random.Random(3), "test", customers, org)
		finally:
			demo.SALES_SIZES.pop("test")
		self.assertEqual((added["leads"], added["opportunities"]), (40, 60))
		known = stages()
		opportunities = frappe.get_all(
			"CRM Opportunity",
			filters={"name": ("like", "DOPP%")},
			fields=[
				"name",
				"stage",
				"status",
				"probability",
				"stage_since",
				"lost_reason",
				"division",
				"party_name",
			],
		)
		self.assertEqual(len(opportunities), 60)
		logs = defaultdict(list)
		for r in frappe.get_all(
			"CRM Opportunity Stage Log",
			filters={"opportunity": ("like", "DOPP%")},
			fields=["opportunity", "from_stage", "to_stage", "changed_at", "days_in_previous_stage"],
			order_by="changed_at asc",
		):
			logs[r.opportunity].append(r)
		statuses = set()
		for opp in opportunities:
			stage = known[opp.stage]
			statuses.add(opp.status)
			self.assertEqual(opp.status, sales.status_for_stage(stage))
			self.assertEqual(opp.probability, sales.probability_for_stage(stage))
			self.assertEqual(bool(opp.lost_reason), stage.is_lost, opp.name)
			self.assertTrue(opp.party_name, opp.name)
			walk = logs[opp.name]
			self.assertIsNone(walk[0].from_stage)
			self.assertEqual(walk[-1].to_stage, opp.stage)
			self.assertEqual(walk[-1].changed_at, opp.stage_since)
			for before, after in itertools.pairwise(walk):
				self.assertEqual(after.from_stage, before.to_stage)
				days = (after.changed_at - before.changed_at).total_seconds() / 86400
				self.assertAlmostEqual(after.days_in_previous_stage, days, places=1)
		self.assertEqual(statuses, {"Open", "Won", "Lost"})
		from crm_plus.crm_sales.report.sales_funnel.sales_funnel import execute

		rows = {r["stage"]: r for r in execute({"division": o.div_a, "from_date": "2020-01-01"})[1]}
		in_a = [x for x in opportunities if x.division == o.div_a]
		self.assertEqual(sum(r["count"] for r in rows.values()), len(in_a))
		self.assertEqual(rows["Prospecting"]["reached"], len(in_a))  # every walk starts there
		leads = frappe.get_all(
			"CRM Lead", filters={"name": ("like", "DLEAD%")}, fields=["status", "converted_on"]
		)
		self.assertEqual(len(leads), 40)
		self.assertTrue(all((x.status == "Converted") == bool(x.converted_on) for x in leads))
