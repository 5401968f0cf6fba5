"""The lead pool (公海) as its actors meet it over HTTP: the daily job returns leads nobody followed up
to their division's pool (once), the division's reps and managers see the pool and claim from it up to
the limit, other divisions see nothing of it, and of two reps claiming the same lead exactly one wins."""

import threading

import frappe
from frappe.utils import add_days, now_datetime

from crm_plus.crm_sales.pool import held_claims, release
from crm_plus.tests.names import ACTIVITY, CUSTOMER, LEAD, POOL_LOG
from crm_plus.tests.sales_utils import SalesTestCase
from crm_plus.tests.utils import make_transaction

CLAIM = "crm_plus.crm_sales.pool.claim"


class TestLeadPool(SalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		settings = frappe.get_single("CRM Plus Settings")
		cls.saved = (settings.lead_pool_days, settings.pool_claim_limit)
		cls.addClassCleanup(cls._restore_settings)
		frappe.db.set_single_value("CRM Plus Settings", {"lead_pool_days": 30, "pool_claim_limit": 50})
		frappe.db.commit()

	@classmethod
	def _restore_settings(cls):
		frappe.db.set_single_value(
			"CRM Plus Settings", {"lead_pool_days": cls.saved[0], "pool_claim_limit": cls.saved[1]}
		)
		frappe.db.commit()

	def old_lead(self, owner: str, team: str, days: int = 40) -> str:
		name = self.make_lead(owner, team)
		frappe.db.set_value(LEAD, name, "creation", add_days(now_datetime(), -days), update_modified=False)
		frappe.db.commit()
		return name

	def released(self) -> tuple[str, str]:
		o = self.org
		lead_a, lead_b = self.old_lead(o.rep_a1, o.team_a1), self.old_lead(o.rep_b, o.team_b)
		self.assertGreaterEqual(release().get(LEAD, 0), 2)
		frappe.db.commit()
		return lead_a, lead_b

	def claim(self, user: str, lead: str):
		return self.call(self.login(user), CLAIM, name=lead)

	def test_the_job_releases_leads_without_a_follow_up_once(self):
		o = self.org
		quiet = self.old_lead(o.rep_a1, o.team_a1)
		followed = self.old_lead(o.rep_a1, o.team_a1)
		fresh = self.old_lead(o.rep_a1, o.team_a1, days=5)
		frappe.get_doc(
			{"doctype": ACTIVITY, "activity_type": "Call", "subject": "Called", "lead": followed, "done": 1}
		).insert(ignore_permissions=True)
		# A planned (not done) activity does not keep a lead.
		frappe.get_doc(
			{"doctype": ACTIVITY, "activity_type": "Call", "subject": "Plan", "lead": quiet}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		self.assertGreaterEqual(release().get(LEAD, 0), 1)
		frappe.db.commit()
		row = frappe.db.get_value(LEAD, quiet, ["in_pool", "account_manager", "sales_team", "division"])
		self.assertEqual(row, (1, None, None, o.div_a))
		self.assertEqual(frappe.db.get_value(LEAD, followed, "in_pool"), 0)
		self.assertEqual(frappe.db.get_value(LEAD, fresh, "in_pool"), 0)
		logs = frappe.get_all(POOL_LOG, {"reference_name": quiet}, ["action", "user", "division"])
		self.assertEqual([(r.action, r.user, r.division) for r in logs], [("Release", o.rep_a1, o.div_a)])
		# A second run changes nothing and logs nothing.
		before = frappe.db.count(POOL_LOG)
		self.assertEqual(release().get(LEAD, 0), 0)
		self.assertEqual(frappe.db.count(POOL_LOG), before)

	def test_a_division_sees_and_claims_its_own_pool_only(self):
		o = self.org
		lead_a, lead_b = self.released()
		rep_a2, rep_b = self.login(o.rep_a2), self.login(o.rep_b)
		# Division A's reps and manager see A's pool, never B's; division B's see B's only.
		for user in (o.rep_a2, o.rep_a1, o.mgr_a, o.head_a):
			client = self.login(user)
			seen = self.visible(client, LEAD, in_pool=1)
			self.assertIn(lead_a, seen, user)
			self.assertNotIn(lead_b, seen, user)
			self.assertEqual(self.resource(client, LEAD, lead_a).status_code, 200, user)
		self.assertIn(lead_b, self.visible(self.login(o.mgr_b), LEAD, in_pool=1))
		self.assertIn(lead_a, self.visible(self.login(o.executive), LEAD, in_pool=1))
		self.assert_hidden_everywhere(rep_b, LEAD, lead_a, [lead_a])
		release_log = frappe.db.get_value(POOL_LOG, {"reference_name": lead_a, "action": "Release"})
		self.assert_hidden_everywhere(rep_b, POOL_LOG, release_log, [lead_a])
		self.assertNotIn(lead_a, self.visible(rep_b, POOL_LOG, reference_name=lead_a))
		# Seeing is not editing: a pool lead is made one's own by a claim only.
		grab = self.update(rep_a2, LEAD, lead_a, account_manager=o.rep_a2, notes="mine")
		self.assertTrue(self.refused(grab), grab.text[:300])
		self.assertTrue(self.refused(self.claim(o.rep_b, lead_a)))
		self.assertEqual(self.fresh().get_value(LEAD, lead_a, "in_pool"), 1)

		claimed = self.claim(o.rep_a2, lead_a)
		self.assertEqual(claimed.status_code, 200, claimed.text[:300])
		self.assertEqual(
			self.fresh().get_value(
				LEAD, lead_a, ["in_pool", "account_manager", "sales_team", "claimed_from_pool"]
			),
			(0, o.rep_a2, o.team_a1, 1),
		)
		self.assertEqual(self.update(rep_a2, LEAD, lead_a, notes="called").status_code, 200)
		again = self.claim(o.rep_a1, lead_a)
		self.assertEqual(again.status_code, 417, again.text[:300])
		self.assertIn("no longer in the pool", again.text)
		# The log: visible to who sees the lead, not to the other division.
		actions = self.call(
			rep_a2,
			"frappe.client.get_list",
			doctype=POOL_LOG,
			filters={"reference_name": lead_a},
			fields=["action", "user"],
		)
		self.assertEqual(
			sorted((r["action"], r["user"]) for r in actions.json["message"]),
			[("Claim", o.rep_a2), ("Release", o.rep_a1)],
		)
		self.assertEqual(self.count(rep_b, POOL_LOG, {"reference_name": lead_a}), 0)
		self.assertTrue(
			self.refused(
				self.insert(
					rep_a2,
					POOL_LOG,
					reference_doctype=LEAD,
					reference_name=lead_a,
					action="Claim",
					logged_at=str(now_datetime()),
				)
			)
		)

	def test_the_division_head_gives_a_pool_lead_to_a_rep(self):
		o = self.org
		lead = self.old_lead(o.rep_a1, o.team_a1)
		self.assertGreaterEqual(release().get(LEAD, 0), 1)
		frappe.db.commit()
		# A rep or a team manager of the division reads the pool but cannot hand a lead out; the division's
		# head can, and that takes it out of the pool.
		handed = self.update(self.login(o.rep_a2), LEAD, lead, account_manager=o.rep_a2, sales_team=o.team_a1)
		self.assertTrue(self.refused(handed), handed.text[:300])
		handed = self.update(self.login(o.mgr_a), LEAD, lead, account_manager=o.rep_a1, sales_team=o.team_a1)
		self.assertTrue(self.refused(handed), handed.text[:300])
		given = self.update(self.login(o.head_a), LEAD, lead, account_manager=o.rep_a1, sales_team=o.team_a1)
		self.assertEqual(given.status_code, 200, given.text[:300])
		self.assertEqual(self.fresh().get_value(LEAD, lead, ["in_pool", "account_manager"]), (0, o.rep_a1))
		self.assertEqual(
			frappe.db.count(POOL_LOG, {"reference_name": lead, "action": "Claim", "user": o.rep_a1}), 1
		)

	def test_a_rep_claims_up_to_the_limit(self):
		o = self.org
		first, second = self.old_lead(o.rep_a1, o.team_a1), self.old_lead(o.rep_a1, o.team_a1)
		self.assertGreaterEqual(release().get(LEAD, 0), 2)
		limit = held_claims(o.rep_a2) + 1  # room for one more claim
		frappe.db.set_single_value("CRM Plus Settings", "pool_claim_limit", limit)
		frappe.db.commit()
		try:
			self.assertEqual(self.claim(o.rep_a2, first).status_code, 200)
			over = self.claim(o.rep_a2, second)
			self.assertEqual(over.status_code, 417, over.text[:300])
			self.assertIn(f"already hold {limit} records", over.text)
			self.assertEqual(self.fresh().get_value(LEAD, second, "in_pool"), 1)
			# A converted or unqualified claim no longer counts against the limit.
			frappe.db.set_value(LEAD, first, {"status": "Unqualified", "unqualified_reason": "No budget"})
			frappe.db.commit()
			self.assertEqual(self.claim(o.rep_a2, second).status_code, 200)
		finally:
			frappe.db.set_single_value("CRM Plus Settings", "pool_claim_limit", 50)
			frappe.db.commit()

	def test_two_reps_claiming_the_same_lead_at_once_one_wins(self):
		o = self.org
		lead = self.old_lead(o.rep_a1, o.team_a1)
		self.assertGreaterEqual(release().get(LEAD, 0), 1)
		frappe.db.commit()
		site, sites_path = frappe.local.site, frappe.local.sites_path
		barrier = threading.Barrier(2)
		results = {}

		def claim_as(user):
			from crm_plus.crm_sales.pool import claim

			frappe.init(site=site, sites_path=sites_path)
			frappe.connect()
			try:
				frappe.set_user(user)
				barrier.wait(timeout=10)
				claim(lead)
				frappe.db.commit()
				results[user] = "won"
			except Exception as e:
				frappe.db.rollback()
				results[user] = type(e).__name__
			finally:
				frappe.destroy()

		threads = [threading.Thread(target=claim_as, args=(u,)) for u in (o.rep_a1, o.rep_a2)]
		for t in threads:
			t.start()
		for t in threads:
			t.join(timeout=60)
		self.assertEqual(sorted(results.values()), ["ValidationError", "won"], results)
		winner = next(u for u, r in results.items() if r == "won")
		self.assertEqual(self.fresh().get_value(LEAD, lead, "account_manager"), winner)
		self.assertEqual(frappe.db.count(POOL_LOG, {"reference_name": lead, "action": "Claim"}), 1)


class TestCustomerPool(SalesTestCase):
	"""With the customer pool on, customers nobody served for the configured days go back to their
	division's pool too; off (the default), the customer rule is as it was."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		settings = frappe.get_single("CRM Plus Settings")
		cls.saved = {
			f: settings.get(f) for f in ("customer_pool_enabled", "customer_pool_days", "lead_pool_days")
		}
		cls.addClassCleanup(cls._restore_settings)

	@classmethod
	def _restore_settings(cls):
		frappe.db.set_single_value("CRM Plus Settings", cls.saved)
		frappe.db.commit()

	def setUp(self):
		super().setUp()
		frappe.db.set_single_value(
			"CRM Plus Settings", {"customer_pool_enabled": 1, "customer_pool_days": 30, "lead_pool_days": 0}
		)
		frappe.db.commit()

	def test_customers_without_service_return_to_their_divisions_pool_and_are_claimed(self):
		o = self.org
		old = add_days(now_datetime(), -100)
		for customer in (o.c_a1, o.c_a2, o.c_b):
			frappe.db.set_value(CUSTOMER, customer, "creation", old, update_modified=False)
		# A purchase five days ago keeps a customer with its rep.
		make_transaction(o.c_a2, 500, posting_date=add_days(now_datetime(), -5).date())
		frappe.db.commit()
		released = release()
		frappe.db.commit()
		self.assertGreaterEqual(released[CUSTOMER], 2)
		self.assertNotIn(LEAD, released)  # the lead pool is off here
		self.assertEqual(
			frappe.db.get_value(CUSTOMER, o.c_a1, ["in_pool", "account_manager", "sales_team", "division"]),
			(1, None, None, o.div_a),
		)
		self.assertEqual(frappe.db.get_value(CUSTOMER, o.c_a2, "in_pool"), 0)
		self.assertEqual(release(), {CUSTOMER: 0})  # once

		rep_a2, rep_b = self.login(o.rep_a2), self.login(o.rep_b)
		self.assertIn(o.c_a1, self.visible(rep_a2, CUSTOMER, in_pool=1))
		self.assertEqual(self.resource(rep_a2, CUSTOMER, o.c_a1).status_code, 200)
		self.assertNotIn(o.c_a1, self.visible(rep_b, CUSTOMER))
		self.assertEqual(self.count(rep_b, CUSTOMER, {"name": o.c_a1}), 0)
		self.assertTrue(self.refused(self.resource(rep_b, CUSTOMER, o.c_a1)))
		self.assertIn(o.c_b, self.visible(rep_b, CUSTOMER, in_pool=1))
		grab = self.update(rep_a2, CUSTOMER, o.c_a1, account_manager=o.rep_a2)
		self.assertTrue(self.refused(grab), grab.text[:300])
		self.assertTrue(self.refused(self.call(rep_b, CLAIM, name=o.c_a1, doctype=CUSTOMER)))
		claimed = self.call(rep_a2, CLAIM, name=o.c_a1, doctype=CUSTOMER)
		self.assertEqual(claimed.status_code, 200, claimed.text[:300])
		self.assertEqual(
			self.fresh().get_value(CUSTOMER, o.c_a1, ["in_pool", "account_manager", "sales_team"]),
			(0, o.rep_a2, o.team_a1),
		)
		logs = frappe.get_all(POOL_LOG, {"reference_name": o.c_a1}, pluck="action", order_by="name asc")
		self.assertEqual(logs, ["Release", "Claim"])

	def test_with_the_customer_pool_off_nobody_claims_customers(self):
		o = self.org
		frappe.db.set_single_value("CRM Plus Settings", "customer_pool_enabled", 0)
		frappe.db.commit()
		self.assertNotIn(CUSTOMER, release())
		refused = self.call(self.login(o.rep_a2), CLAIM, name=o.c_a2, doctype=CUSTOMER)
		self.assertTrue(self.refused(refused), refused.text[:300])
