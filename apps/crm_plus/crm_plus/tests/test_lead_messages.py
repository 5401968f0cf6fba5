"""What a rep is told about a lead, over HTTP: a duplicate another team holds is called what it is (a
lead, a customer) in the user's language, and of two Converts at once the second is told the lead
has been converted."""

import json
import time

import frappe
from frappe.tests.test_api import ThreadWithReturnValue

from crm_plus.tests.test_sales_funnel import CUSTOMER, LEAD, SalesFunnelTestCase


def messages(response) -> str:
	"""The texts of a response's messages (Frappe sends them as JSON inside JSON)."""
	raw = (response.json or {}).get("_server_messages") or "[]"
	return " ".join(json.loads(m).get("message", "") for m in json.loads(raw))


class TestLeadMessages(SalesFunnelTestCase):
	def create_lead(self, user: str, lang: str, **values):
		"""A lead entered over REST by `user`, the answer in `lang`."""
		data = {"lead_name": "Someone " + frappe.generate_hash(length=6), **values}
		return self.post(self.login(user), f"/api/resource/{LEAD}", {"data": json.dumps(data), "_lang": lang})

	def assert_duplicate_told(self, told: dict, **values) -> list:
		"""rep_b enters a lead of team B with `values` in each language of `told` ({lang: (what the
		answer says, what it does not say)}): refused as a duplicate (409), in those words; the answers."""
		responses = []
		for lang, (said, not_said) in told.items():
			response = self.create_lead(self.org.rep_b, lang, sales_team=self.org.team_b, **values)
			self.assertEqual(response.status_code, 409, response.text[:300])
			self.assertIn(said, messages(response), lang)
			self.assertNotIn(not_said, messages(response), lang)
			responses.append(response)
		return responses

	def test_a_duplicate_lead_of_another_team_is_called_a_lead(self):
		o = self.org
		phone = self.phone()
		self.make_lead(o.rep_a1, o.team_a1, phone=phone)
		self.assert_duplicate_told(
			{
				"en": ("The lead belongs to another team", "The customer"),
				"zh": ("该线索属于其他团队", "该客户"),
			},
			phone=phone,
		)

	def test_a_customer_of_another_team_entered_as_a_lead_is_called_a_customer(self):
		o = self.org
		customer_name = self.fresh().get_value(CUSTOMER, o.c_a1, "customer_name")
		for response in self.assert_duplicate_told(
			{
				"en": ("The customer belongs to another team", "The lead"),
				"zh": ("该客户属于其他团队", "该线索"),
			},
			company_name=customer_name,
		):
			self.assertNotIn(o.c_a1, response.text)

	def test_of_two_converts_at_once_the_second_is_told_the_lead_is_converted(self):
		"""Two requests, each on its own connection, both load the lead before either converts it: the
		test holds the lead's row until both wait on a row lock, then lets them go."""
		o = self.org
		lead = self.make_lead(o.rep_a1, o.team_a1)
		clients = [self.login(o.rep_a1), self.login(o.mgr_a)]
		args = {"dt": LEAD, "dn": lead, "method": "convert", "args": json.dumps({})}
		frappe.db.sql(f"select name from `tab{LEAD}` where name = %s for update", lead)
		threads = [
			ThreadWithReturnValue(
				target=client.post, args=("/api/method/run_doc_method",), kwargs={"data": args}
			)
			for client in clients
		]
		for thread in threads:
			thread.start()
		try:
			waiting = self.wait_for_row_locks(2)
		finally:
			frappe.db.commit()  # both requests have read the lead and wait: let them go
			for thread in threads:
				thread.join()  # before any assertion: the class clean-up must find what they wrote
		self.assertEqual(waiting, 2, "both requests should have waited on a locked row")
		responses = sorted((t._return for t in threads), key=lambda r: r.status_code)
		self.assertEqual([r.status_code for r in responses], [200, 417], [r.text[:300] for r in responses])
		self.assertIn("This lead has already been converted", messages(responses[1]))
		self.assertNotIn("modified after you have opened it", responses[1].text)
		db = self.fresh()
		self.assertEqual(db.get_value(LEAD, lead, "status"), "Converted")
		self.assertEqual(db.count(CUSTOMER, {"lead": lead}), 1)

	def wait_for_row_locks(self, count: int, timeout: float = 60) -> int:
		"""How many other connections of this site wait in a locking read (at most `count`), once `count`
		do or after `timeout` seconds."""
		deadline = time.monotonic() + timeout
		while True:
			waiting = frappe.db.sql(
				"""select count(*) from information_schema.processlist
				where id != connection_id() and db = %s and info like %s""",
				(frappe.conf.db_name, "%for update%"),
			)[0][0]
			if waiting >= count or time.monotonic() > deadline:
				return waiting
			time.sleep(0.2)
