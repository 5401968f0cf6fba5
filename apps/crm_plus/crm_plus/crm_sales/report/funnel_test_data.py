"""The organisation's funnel the sales reports' tests read (committed, removed with the organisation):

Division A: rep_a1's deal 1 went Prospecting > Qualification > Proposal (open, 1000), deal 2 Prospecting >
Qualification > Closed Lost (Price, 2000), deal 3 Prospecting > Closed Won (4000); rep_a2's deal 4 is in
Prospecting (500). The stays in Prospecting that ended lasted 2, 4 and 6 days. Division B: rep_b's deal
went Prospecting > Closed Lost (Timing, 7000). rep_a1 has two leads of the period, one converted."""

import frappe
from frappe.utils import add_days, now_datetime, today

from crm_plus.tests.test_sales_funnel import OPPORTUNITY, STAGE_LOG, SalesFunnelTestCase


class FunnelReportTestCase(SalesFunnelTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		o = cls.org
		frappe.set_user("Administrator")
		cls.deals = {
			"open": cls.deal(o.rep_a1, o.team_a1, 1000, ["Qualification", "Proposal"]),
			"lost": cls.deal(o.rep_a1, o.team_a1, 2000, ["Qualification", "Closed Lost"], "Price"),
			"won": cls.deal(o.rep_a1, o.team_a1, 4000, ["Closed Won"]),
			"new": cls.deal(o.rep_a2, o.team_a1, 500, []),
			"b": cls.deal(o.rep_b, o.team_b, 7000, ["Closed Lost"], "Timing"),
		}
		a_deals = [cls.deals[k] for k in ("open", "lost", "won")]
		for deal, days in zip(a_deals, (2, 4, 6), strict=True):
			frappe.db.set_value(
				STAGE_LOG, {"opportunity": deal, "from_stage": "Prospecting"}, "days_in_previous_stage", days
			)
		for i in range(2):
			lead = frappe.get_doc(
				{
					"doctype": "CRM Lead",
					"lead_name": f"Report Lead {i} {o.suffix}",
					"account_manager": o.rep_a1,
					"sales_team": o.team_a1,
				}
			).insert(ignore_permissions=True)
			if i:
				frappe.db.set_value(
					"CRM Lead", lead.name, {"status": "Converted", "converted_on": now_datetime()}
				)
		frappe.db.commit()

	@classmethod
	def deal(cls, owner, team, amount, moves, reason=None) -> str:
		doc = frappe.get_doc(
			{
				"doctype": OPPORTUNITY,
				"title": f"Report Deal {amount} {cls.org.suffix}",
				"customer": cls.org.c_b if team == cls.org.team_b else cls.org.c_a1,
				"account_manager": owner,
				"sales_team": team,
				"expected_amount": amount,
				"expected_close_date": add_days(today(), 10),
			}
		).insert(ignore_permissions=True)
		for stage in moves:
			doc.stage = stage
			if stage == "Closed Lost":
				doc.lost_reason = reason
			doc.save(ignore_permissions=True)
		return doc.name

	def rows(self, user, report, **filters):
		status, rows, chart = self.run_report(user, report, **filters)
		self.assertEqual(status, 200, rows)
		self.assertTrue((chart or {}).get("data"), f"{report} has no chart")
		return rows
