"""Contracts (合同) as their actors use them over HTTP: a rep signs a contract that wins its opportunity;
another division's rep can neither see nor point anything at it; the daily job activates and expires
contracts by their term, once."""

import frappe
from frappe.utils import add_days, random_string, today

from crm_plus.crm_sales.doctype.crm_contract.crm_contract import mark_contracts_by_dates
from crm_plus.tests.names import CONTRACT, OPPORTUNITY, TRANSACTION
from crm_plus.tests.sales_utils import SalesTestCase


class TestContracts(SalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		o = cls.org
		cls.contract = frappe.get_doc(
			{
				"doctype": CONTRACT,
				"title": "Secret Contract " + o.suffix,
				"customer": o.c_a1,
				"status": "Draft",
				"amount": 88000,
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()

	def test_a_signed_contract_wins_its_opportunity_with_the_stage_logged(self):
		o = self.org
		rep = self.login(o.rep_a1)
		opportunity = self.make_customer_opportunity(o.c_a1, o.rep_a1, o.team_a1)
		created = self.insert(
			rep,
			CONTRACT,
			title="Annual supply",
			customer=o.c_a1,
			opportunity=opportunity,
			amount=120000,
			status="Signed",
			signed_date=today(),
			start_date=add_days(today(), 10),
			end_date=add_days(today(), 375),
			account_manager=o.rep_b,  # server-owned: taken from the customer
		)
		self.assertEqual(created.status_code, 200, created.text[:500])
		data = created.json["data"]
		self.assertEqual(
			(data["status"], data["account_manager"], data["sales_team"], data["division"]),
			("Signed", o.rep_a1, o.team_a1, o.div_a),
		)
		db = self.fresh()
		self.assertEqual(db.get_value(OPPORTUNITY, opportunity, ["status", "stage"]), ("Won", "Closed Won"))
		logs = db.get_all("CRM Opportunity Stage Log", {"opportunity": opportunity}, pluck="to_stage")
		self.assertIn("Closed Won", logs)
		self.assertEqual(
			db.get_value(
				"CRM Opportunity Stage Log",
				{"opportunity": opportunity, "to_stage": "Closed Won"},
				"changed_by",
			),
			o.rep_a1,
		)

		# Expired and terminated are final; a signed contract goes back to draft only before its term.
		name = data["name"]
		self.assertEqual(self.update(rep, CONTRACT, name, status="Terminated").status_code, 200)
		back = self.update(rep, CONTRACT, name, status="Active")
		self.assertEqual(back.status_code, 417, back.text[:300])
		self.assertIn("cannot go from", back.text)

	def test_a_draft_signed_within_its_term_is_active_and_the_job_expires_it_once(self):
		o = self.org
		rep = self.login(o.rep_a1)
		created = self.insert(
			rep,
			CONTRACT,
			title="Running",
			customer=o.c_a1,
			status="Draft",
			start_date=add_days(today(), -30),
			end_date=add_days(today(), -1),
		)
		self.assertEqual(created.status_code, 200, created.text[:300])
		name = created.json["data"]["name"]
		unsigned = self.update(rep, CONTRACT, name, status="Signed")
		self.assertEqual(unsigned.status_code, 417, unsigned.text[:300])  # the signing date is missing
		# Signed after its term ended: expired at once.
		signed = self.update(rep, CONTRACT, name, status="Signed", signed_date=add_days(today(), -31))
		self.assertEqual(signed.json["data"]["status"], "Expired", signed.text[:300])

		# The job: one signed contract whose term began, one active one past its end.
		self.fresh()
		starting = frappe.get_doc(
			{
				"doctype": CONTRACT,
				"title": "Starting",
				"customer": o.c_a1,
				"status": "Signed",
				"signed_date": add_days(today(), -5),
				"start_date": add_days(today(), 3),
			}
		).insert(ignore_permissions=True)
		ending = frappe.get_doc(
			{
				"doctype": CONTRACT,
				"title": "Ending",
				"customer": o.c_a1,
				"status": "Signed",
				"signed_date": add_days(today(), -400),
				"start_date": add_days(today(), -365),
				"end_date": add_days(today(), 5),
			}
		).insert(ignore_permissions=True)
		self.assertEqual(ending.status, "Active")
		frappe.db.set_value(CONTRACT, starting.name, "start_date", add_days(today(), -1))
		frappe.db.set_value(CONTRACT, ending.name, "end_date", add_days(today(), -1))
		frappe.db.commit()
		self.assertGreaterEqual(mark_contracts_by_dates(), 2)
		self.assertEqual(frappe.db.get_value(CONTRACT, starting.name, "status"), "Active")
		self.assertEqual(frappe.db.get_value(CONTRACT, ending.name, "status"), "Expired")
		self.assertEqual(mark_contracts_by_dates(), 0)  # a second run changes nothing
		frappe.db.commit()

	def test_another_divisions_rep_cannot_see_or_point_anything_at_a_contract(self):
		o = self.org
		rep = self.login(o.rep_b)
		self.assert_hidden_everywhere(
			rep, CONTRACT, self.contract.name, [self.contract.name, "Secret Contract"]
		)
		# Not on another division's customer, nor closing another division's opportunity.
		on_a = self.insert(rep, CONTRACT, title="Poach", customer=o.c_a1)
		self.assertTrue(self.refused(on_a), on_a.text[:300])
		theirs = self.make_customer_opportunity(o.c_a1, o.rep_a1, o.team_a1)
		closing = self.insert(
			rep,
			CONTRACT,
			title="Poach",
			customer=o.c_b,
			opportunity=theirs,
			status="Signed",
			signed_date=today(),
		)
		self.assertTrue(self.refused(closing), closing.text[:300])
		self.assertEqual(self.fresh().get_value(OPPORTUNITY, theirs, "status"), "Open")
		# A transaction of one's own customer pointed at another customer's contract.
		sale = self.insert(
			rep, TRANSACTION, customer=o.c_b, amount=100, posting_date=today(), contract=self.contract.name
		)
		self.assertEqual(sale.status_code, 417, sale.text[:300])
		self.assertIn("is not one of this customer", sale.text)
		self.assertNotIn("Secret Contract", sale.text)
		# Moving one's own contract to another division's customer.
		mine = self.insert(rep, CONTRACT, title="Mine " + random_string(4), customer=o.c_b)
		self.assertEqual(mine.status_code, 200, mine.text[:300])
		moved = self.update(rep, CONTRACT, mine.json["data"]["name"], customer=o.c_a1)
		self.assertTrue(self.refused(moved), moved.text[:300])

	def test_the_contract_must_close_an_opportunity_of_its_own_customer(self):
		o = self.org
		manager = self.login(o.mgr_a)  # may edit both customers of team A-1
		other = self.make_customer_opportunity(o.c_a2, o.rep_a2, o.team_a1)
		wrong = self.insert(manager, CONTRACT, title="Mixed", customer=o.c_a1, opportunity=other)
		self.assertEqual(wrong.status_code, 417, wrong.text[:300])
		self.assertIn("is not one of the customer", wrong.text)
		# The same customer's contract is a transaction's contract.
		sale = self.insert(
			manager,
			TRANSACTION,
			customer=o.c_a1,
			amount=100,
			posting_date=today(),
			contract=self.contract.name,
		)
		self.assertEqual(sale.status_code, 200, sale.text[:300])

	def test_who_sees_a_contract(self):
		self.assert_audience(CONTRACT, self.contract.name, self.team_a1_audience())
