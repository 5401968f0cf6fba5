"""The sales funnel as its actors walk it, over HTTP: a rep enters a lead, qualifies it, converts it into
a customer with its contact and an opportunity, moves the opportunity through the stages and loses it;
another division's rep can neither see nor touch any of it, whatever they send."""

import json
import random

import frappe
from frappe.utils import add_days, now_datetime, random_string

from crm_plus.tests.http import HTTPTestCase, refused
from crm_plus.tests.names import CUSTOMER, LEAD, OPPORTUNITY
from crm_plus.tests.test_adversarial_sweep import HOSTILE_FIELDS, HOSTILE_FILTERS

STAGE_LOG = "CRM Opportunity Stage Log"


class SalesFunnelTestCase(HTTPTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.org.extra_customers = []
		cls.addClassCleanup(cls._remove_funnel)

	@classmethod
	def _remove_funnel(cls):
		frappe.db.rollback()
		leads = frappe.get_all(LEAD, {"sales_team": ("in", cls.teams())}, pluck="name")
		leads += frappe.get_all(LEAD, {"account_manager": ("in", cls.users())}, pluck="name")
		# Never `("in", [""])`: Frappe reads it as `ifnull(lead, '') in ('')`, every record without a lead
		# (it removed a demo site's customers and opportunities).
		opportunities = frappe.get_all(OPPORTUNITY, {"lead": ("in", leads)}, pluck="name") if leads else []
		opportunities += frappe.get_all(OPPORTUNITY, {"account_manager": ("in", cls.users())}, pluck="name")
		customers = frappe.get_all(CUSTOMER, {"lead": ("in", leads)}, pluck="name") if leads else []
		cls.org.extra_customers += customers
		contacts = (
			frappe.get_all(
				"Dynamic Link",
				{"link_doctype": CUSTOMER, "link_name": ("in", customers), "parenttype": "Contact"},
				pluck="parent",
			)
			if customers
			else []
		)
		for contact in set(contacts):
			frappe.delete_doc("Contact", contact, force=True, ignore_permissions=True)
		for doctype, names in ((OPPORTUNITY, opportunities), (LEAD, leads)):
			if names:
				frappe.db.delete(STAGE_LOG, {"opportunity": ("in", names)})
				frappe.db.delete("ToDo", {"reference_type": doctype, "reference_name": ("in", names)})
				frappe.db.delete(doctype, {"name": ("in", names)})
		frappe.db.commit()

	@classmethod
	def teams(cls) -> list[str]:
		return [cls.org.team_a, cls.org.team_a1, cls.org.team_b]

	@classmethod
	def users(cls) -> list[str]:
		o = cls.org
		return [o.rep_a1, o.rep_a2, o.rep_b, o.mgr_a, o.mgr_b]

	# ---------------------------------------------------------------- helpers
	def create(self, client, doctype: str, **values):
		return self.post(client, f"/api/resource/{doctype}", {"data": json.dumps(values)})

	def update(self, client, doctype: str, name: str, **values):
		return self.put(client, f"/api/resource/{doctype}/{name}", values)

	def convert(self, client, lead: str, **args):
		return self.call(client, "run_doc_method", dt=LEAD, dn=lead, method="convert", args=json.dumps(args))

	@staticmethod
	def phone() -> str:
		return "0571-8" + "".join(random.choice("0123456789") for _ in range(7))

	def make_lead(self, owner: str, team: str, **values) -> str:
		doc = frappe.get_doc(
			{
				"doctype": LEAD,
				"lead_name": "Lead " + random_string(8),
				"company_name": "Lead Co " + random_string(8),
				"phone": self.phone(),
				"account_manager": owner,
				"sales_team": team,
				**values,
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		return doc.name

	def make_opportunity(self, lead: str, owner: str, team: str) -> str:
		return self.committed_opportunity(owner, team, 5000, lead=lead)

	@staticmethod
	def committed_opportunity(owner: str, team: str, amount: float, **party) -> str:
		"""An opportunity of `owner` in `team` for a lead or a customer (`party`), committed."""
		doc = frappe.get_doc(
			{
				"doctype": OPPORTUNITY,
				"title": "Deal " + random_string(8),
				"account_manager": owner,
				"sales_team": team,
				"expected_amount": amount,
				**party,
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		return doc.name

	def visible(self, client, doctype: str, **filters) -> set[str]:
		response = self.call(
			client,
			"frappe.client.get_list",
			doctype=doctype,
			fields=["name"],
			filters=filters or None,
			limit_page_length=0,
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		return {str(r["name"]) for r in response.json["message"]}

	def count(self, client, doctype: str, filters=None) -> int:
		response = self.call(client, "frappe.client.get_count", doctype=doctype, filters=filters)
		self.assertEqual(response.status_code, 200, response.text[:300])
		return response.json["message"]

	def report_view(self, client, doctype: str) -> set[str]:
		response = self.call(client, "frappe.desk.reportview.get", doctype=doctype, fields=["name"])
		self.assertEqual(response.status_code, 200, response.text[:300])
		message = response.json.get("message") or {}
		return {str(row[0]) for row in message.get("values", [])}

	def team_a1_audience(self, agent_sees: bool | None = True) -> dict[str, bool]:
		"""Who sees a record of Team A-1: its rep, manager and division head and the executives (and
		the agent serving division A, unless None), never a colleague of another team nor division B."""
		o = self.org
		audience = {o.rep_a1: True, o.mgr_a: True, o.head_a: True, o.executive: True}
		if agent_sees is not None:
			audience[o.agent_a] = agent_sees
		return audience | {o.rep_a2: False, o.mgr_b: False, o.head_b: False}

	def assert_audience(self, doctype: str, name: str, audience: dict[str, bool], report_view=False):
		"""Each user finds the record in the list and the count (and the report view) exactly as told."""
		for user, sees in audience.items():
			client = self.login(user)
			self.assertEqual(str(name) in self.visible(client, doctype), sees, user)
			self.assertEqual(self.count(client, doctype, {"name": name}), int(sees), user)
			if report_view:
				self.assertEqual(str(name) in self.report_view(client, doctype), sees, user)


class TestLeadToOpportunityJourney(SalesFunnelTestCase):
	def test_a_rep_converts_a_lead_and_works_the_opportunity_to_lost(self):
		o = self.org
		rep = self.login(o.rep_a1)
		company = "Journey Co " + random_string(6)
		phone = self.phone()
		created = self.create(
			rep,
			LEAD,
			lead_name="Wang Wei",
			company_name=company,
			phone=phone,
			email="wang.wei@example.com",
			source="Referral",
			sales_team=o.team_a1,
		)
		self.assertEqual(created.status_code, 200, created.text[:400])
		lead = created.json["data"]
		self.assertEqual(
			(lead["status"], lead["division"], lead["account_manager"]), ("New", o.div_a, o.rep_a1)
		)

		# Follow-up: contacted, unqualified needs a reason, qualified; Converted only through the action.
		self.assertEqual(self.update(rep, LEAD, lead["name"], status="Contacted").status_code, 200)
		no_reason = self.update(rep, LEAD, lead["name"], status="Unqualified")
		self.assertEqual(no_reason.status_code, 417, no_reason.text[:300])
		self.assertIn("reason", no_reason.text)
		self.assertEqual(self.update(rep, LEAD, lead["name"], status="Qualified").status_code, 200)
		self.assertEqual(self.update(rep, LEAD, lead["name"], status="Converted").status_code, 417)
		self.update(rep, LEAD, lead["name"], converted_customer=o.c_a1, notes="called twice")
		self.assertIsNone(self.fresh().get_value(LEAD, lead["name"], "converted_customer"))

		converted = self.convert(
			rep, lead["name"], create_opportunity=1, opportunity_title="First order", expected_amount=120000
		)
		self.assertEqual(converted.status_code, 200, converted.text[:600])
		result = converted.json["message"]
		db = self.fresh()
		customer = db.get_value(
			CUSTOMER,
			result["customer"],
			["customer_name", "customer_kind", "account_manager", "sales_team", "division", "lead"],
			as_dict=True,
		)
		self.assertEqual(
			customer,
			{
				"customer_name": company,
				"customer_kind": "Enterprise",
				"account_manager": o.rep_a1,
				"sales_team": o.team_a1,
				"division": o.div_a,
				"lead": lead["name"],
			},
		)
		contacts = db.get_all(
			"Dynamic Link",
			{"link_doctype": CUSTOMER, "link_name": result["customer"], "parenttype": "Contact"},
			pluck="parent",
		)
		self.assertEqual(len(contacts), 1)
		self.assertEqual(db.get_value("Contact Phone", {"parent": contacts[0]}, "phone"), phone)
		self.assertEqual(
			db.get_value(LEAD, lead["name"], ["status", "converted_customer", "converted_opportunity"]),
			("Converted", result["customer"], result["opportunity"]),
		)
		opportunity = result["opportunity"]
		self.assertEqual(
			db.get_value(
				OPPORTUNITY,
				opportunity,
				["customer", "lead", "stage", "status", "probability", "expected_amount", "account_manager"],
			),
			(result["customer"], lead["name"], "Prospecting", "Open", 10, 120000, o.rep_a1),
		)
		# The lead stays readable from the customer's side, and a converted lead converts only once.
		self.assertEqual(self.resource(rep, LEAD, lead["name"]).status_code, 200)
		connections = self.call(
			rep, "frappe.desk.notifications.get_open_count", doctype=LEAD, name=lead["name"]
		)
		self.assertEqual(connections.status_code, 200, connections.text[:300])
		counts = {
			c["doctype"]: c["count"] for c in connections.json["message"]["count"]["external_links_found"]
		}
		self.assertEqual((counts.get(CUSTOMER), counts.get(OPPORTUNITY)), (1, 1))
		self.assertEqual(self.convert(rep, lead["name"]).status_code, 417)

		# Three days in Prospecting, then up to Proposal: logged with the days spent.
		frappe.db.set_value(
			OPPORTUNITY, opportunity, "stage_since", add_days(now_datetime(), -3), update_modified=False
		)
		frappe.db.commit()
		moved = self.update(rep, OPPORTUNITY, opportunity, stage="Proposal", probability=99)
		self.assertEqual(moved.status_code, 200, moved.text[:300])
		self.assertEqual((moved.json["data"]["status"], moved.json["data"]["probability"]), ("Open", 60))
		logs = self.fresh().get_all(
			STAGE_LOG,
			{"opportunity": opportunity},
			["from_stage", "to_stage", "days_in_previous_stage"],
			order_by="name asc",
		)
		self.assertEqual(
			[(r.from_stage, r.to_stage) for r in logs], [(None, "Prospecting"), ("Prospecting", "Proposal")]
		)
		self.assertAlmostEqual(logs[1].days_in_previous_stage, 3, delta=0.01)

		# Lost needs a reason; lost ends it for the rep; a manager may reopen it.
		no_reason = self.update(rep, OPPORTUNITY, opportunity, stage="Closed Lost")
		self.assertEqual(no_reason.status_code, 417, no_reason.text[:300])
		self.assertEqual(self.fresh().get_value(OPPORTUNITY, opportunity, "stage"), "Proposal")
		lost = self.update(rep, OPPORTUNITY, opportunity, stage="Closed Lost", lost_reason="Price")
		self.assertEqual(lost.status_code, 200, lost.text[:300])
		self.assertEqual((lost.json["data"]["status"], lost.json["data"]["probability"]), ("Lost", 0))
		self.assertTrue(refused(self.update(rep, OPPORTUNITY, opportunity, stage="Proposal")))
		reopened = self.update(self.login(o.mgr_a), OPPORTUNITY, opportunity, stage="Negotiation")
		self.assertEqual(reopened.status_code, 200, reopened.text[:300])
		self.assertEqual(
			self.fresh().get_value(OPPORTUNITY, opportunity, ["status", "lost_reason"]), ("Open", None)
		)
		self.assertEqual(self.fresh().count(STAGE_LOG, {"opportunity": opportunity}), 4)

	def test_an_individual_lead_converts_without_an_opportunity(self):
		o = self.org
		lead = self.make_lead(o.rep_a2, o.team_a1, company_name=None, phone="13812345678")
		converted = self.convert(self.login(o.rep_a2), lead)
		self.assertEqual(converted.status_code, 200, converted.text[:400])
		result = converted.json["message"]
		self.assertIsNone(result["opportunity"])
		self.assertEqual(
			self.fresh().get_value(CUSTOMER, result["customer"], ["customer_kind", "mobile"]),
			("Individual", "13812345678"),
		)

	def test_an_opportunity_needs_a_customer_or_a_lead(self):
		rep = self.login(self.org.rep_a1)
		response = self.create(rep, OPPORTUNITY, title="Nothing behind it", sales_team=self.org.team_a1)
		self.assertEqual(response.status_code, 417, response.text[:300])
		on_customer = self.create(rep, OPPORTUNITY, title="Upsell", customer=self.org.c_a1)
		self.assertEqual(on_customer.status_code, 200, on_customer.text[:300])
		self.assertEqual(on_customer.json["data"]["stage"], "Prospecting")


class TestSalesFunnelIsolation(SalesFunnelTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		o = cls.org
		frappe.set_user("Administrator")
		cls.lead_phone = cls.phone()
		cls.lead = frappe.get_doc(
			{
				"doctype": LEAD,
				"lead_name": "Secret Person " + o.suffix,
				"company_name": "Secret Lead Co " + o.suffix,
				"phone": cls.lead_phone,
				"account_manager": o.rep_a1,
				"sales_team": o.team_a1,
			}
		).insert(ignore_permissions=True)
		cls.opportunity = frappe.get_doc(
			{
				"doctype": OPPORTUNITY,
				"title": "Secret Deal " + o.suffix,
				"lead": cls.lead.name,
				"account_manager": o.rep_a1,
				"sales_team": o.team_a1,
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()

	def test_another_divisions_rep_cannot_list_count_read_write_or_convert(self):
		o = self.org
		rep = self.login(o.rep_b)
		lead, opportunity = self.lead.name, self.opportunity.name
		for doctype, name, owner_field in (
			(LEAD, lead, "account_manager"),
			(OPPORTUNITY, opportunity, "account_manager"),
		):
			self.assertNotIn(name, self.visible(rep, doctype))
			self.assertEqual(self.count(rep, doctype, {"name": name}), 0)
			self.assertTrue(refused(self.resource(rep, doctype, name)), doctype)
			self.assertTrue(refused(self.call(rep, "frappe.client.get", doctype=doctype, name=name)), doctype)
			hijack = self.update(rep, doctype, name, **{owner_field: o.rep_b, "sales_team": o.team_b})
			self.assertTrue(refused(hijack), hijack.text[:300])
			self.assertEqual(self.fresh().get_value(doctype, name, owner_field), o.rep_a1)
			found = self.call(rep, "frappe.desk.search.search_link", doctype=doctype, txt="Secret")
			self.assertEqual(found.status_code, 200)
			self.assertNotIn(name, found.text)
		self.assertEqual(self.count(rep, LEAD, [["phone", "=", self.lead_phone]]), 0)
		self.assertEqual(self.count(rep, LEAD, {"lead_name": ["like", "Secret%"]}), 0)
		self.assertTrue(refused(self.convert(rep, lead, create_opportunity=1)))
		self.assertEqual(self.fresh().get_value(LEAD, lead, "status"), "New")
		logs = self.call(
			rep,
			"frappe.client.get_list",
			doctype=STAGE_LOG,
			filters={"opportunity": opportunity},
			fields=["name"],
		)
		self.assertEqual(logs.json["message"], [])
		self.assertTrue(
			self.fresh().count(STAGE_LOG, {"opportunity": opportunity}) > 0
		)  # there is a row to hide

	def test_records_of_your_own_cannot_point_at_another_divisions_lead_or_customer(self):
		o = self.org
		rep = self.login(o.rep_b)
		on_lead = self.create(rep, OPPORTUNITY, title="Poach", lead=self.lead.name, sales_team=o.team_b)
		self.assertTrue(refused(on_lead), on_lead.text[:300])
		on_customer = self.create(rep, OPPORTUNITY, title="Poach", customer=o.c_a1, sales_team=o.team_b)
		self.assertTrue(refused(on_customer), on_customer.text[:300])
		into_a = self.create(rep, LEAD, lead_name="Drop " + random_string(5), sales_team=o.team_a1)
		self.assertTrue(refused(into_a), into_a.text[:300])
		assign = self.call(
			rep,
			"frappe.desk.form.assign_to.add",
			doctype=LEAD,
			name=self.lead.name,
			assign_to=[o.rep_b],
		)
		self.assertNotEqual(assign.status_code, 200)
		self.assertNotIn(self.lead.name, self.visible(rep, LEAD))

	def test_managers_see_their_teams_funnel_colleagues_and_other_divisions_do_not(self):
		o = self.org
		self.assert_audience(LEAD, self.lead.name, self.team_a1_audience())
		self.assert_audience(OPPORTUNITY, self.opportunity.name, self.team_a1_audience())
		# Service staff read their division's funnel, never edit it.
		agent = self.login(o.agent_a)
		self.assertEqual(self.resource(agent, LEAD, self.lead.name).status_code, 200)
		self.assertTrue(refused(self.update(agent, LEAD, self.lead.name, notes="edited by service")))
		manager = self.login(o.mgr_a)
		self.assertEqual(self.update(manager, LEAD, self.lead.name, notes="checked").status_code, 200)

	def test_the_duplicate_check_does_not_name_another_divisions_lead(self):
		o = self.org
		rep = self.login(o.rep_b)
		response = self.create(
			rep, LEAD, lead_name="Someone Else", phone=self.lead_phone, sales_team=o.team_b
		)
		self.assertEqual(response.status_code, 409, response.text[:300])
		self.assertNotIn(self.lead.name, response.text)
		self.assertNotIn("Secret", response.text)
		self.assertIn("another team", response.text)
		customer_name = self.fresh().get_value(CUSTOMER, o.c_a1, "customer_name")
		response = self.create(rep, LEAD, lead_name="X", company_name=customer_name, sales_team=o.team_b)
		self.assertEqual(response.status_code, 409, response.text[:300])
		self.assertNotIn(o.c_a1, response.text)
		# Your own duplicate is named, so that you can open it.
		mine = self.create(
			self.login(o.rep_a1), LEAD, lead_name="Again", phone=self.lead_phone, sales_team=o.team_a1
		)
		self.assertEqual(mine.status_code, 409)
		self.assertIn(self.lead.name, mine.text)

	def test_an_open_assignment_opens_a_lead_to_its_assignee_until_it_is_closed(self):
		o = self.org
		colleague = self.login(o.rep_a2)
		self.assertNotIn(self.lead.name, self.visible(colleague, LEAD))
		assigned = self.call(
			self.login(o.mgr_a),
			"frappe.desk.form.assign_to.add",
			doctype=LEAD,
			name=self.lead.name,
			assign_to=[o.rep_a2],
		)
		self.assertEqual(assigned.status_code, 200, assigned.text[:300])
		self.assertIn(self.lead.name, self.visible(colleague, LEAD))
		self.assertEqual(self.resource(colleague, LEAD, self.lead.name).status_code, 200)
		# An assigned lead opens that lead only, not the opportunity made from it.
		self.assertNotIn(self.opportunity.name, self.visible(colleague, OPPORTUNITY))
		self.fresh()
		frappe.db.set_value(
			"ToDo",
			{"reference_type": LEAD, "reference_name": self.lead.name, "allocated_to": o.rep_a2},
			"status",
			"Closed",
		)
		frappe.db.commit()
		self.assertNotIn(self.lead.name, self.visible(colleague, LEAD))
		self.assertTrue(refused(self.resource(colleague, LEAD, self.lead.name)))

	def test_hostile_filters_and_fields_leak_nothing_of_another_divisions_funnel(self):
		o = self.org
		rep = self.login(o.rep_b)
		markers = [self.lead.name, self.opportunity.name, "Secret Person", "Secret Deal", self.lead_phone]
		checked = 0
		for doctype in (LEAD, OPPORTUNITY, STAGE_LOG):
			calls = [("frappe.client.get_list", {"filters": f, "fields": ["name"]}) for f in HOSTILE_FILTERS]
			calls += [("frappe.client.get_count", {"filters": f}) for f in HOSTILE_FILTERS]
			calls += [
				("frappe.desk.reportview.get", {"filters": f, "fields": ["name"]}) for f in HOSTILE_FILTERS
			]
			calls += [("frappe.client.get_list", {"fields": f}) for f in HOSTILE_FIELDS]
			calls += [("frappe.desk.reportview.get_count", {"filters": [["name", "like", "%"]]})]
			for endpoint, args in calls:
				response = self.call(rep, endpoint, doctype=doctype, **args)
				text = response.get_data(as_text=True)
				for marker in markers:
					self.assertNotIn(marker, text, f"{endpoint} {doctype} {args!s:.100}")
				if endpoint.endswith("get_count") and response.status_code == 200:
					self.assertEqual(response.json["message"], 0, f"{endpoint} {doctype} {args!s:.100}")
				checked += 1
		self.assertGreater(checked, 100)


class TestOpportunityStages(SalesFunnelTestCase):
	def test_the_shipped_stages_and_an_admins_mistakes(self):
		stages = frappe.get_all(
			"CRM Opportunity Stage",
			fields=["name", "probability", "is_won", "is_lost"],
			order_by="stage_order",
		)
		names = [s.name for s in stages]
		self.assertEqual(names[0], "Prospecting")
		self.assertIn("Closed Won", names)
		self.assertIn("Closed Lost", names)
		for values, message in (
			({"is_won": 1, "is_lost": 1}, "not both"),
			({"probability": 150}, "between 0 and 100"),
		):
			stage = frappe.get_doc(
				{"doctype": "CRM Opportunity Stage", "stage_name": "Odd " + random_string(5), **values}
			)
			with self.assertRaisesRegex(frappe.ValidationError, message):
				stage.insert()
		# A rep reads the stages (pick lists) but does not define them.
		rep = self.login(self.org.rep_a1)
		self.assertEqual(self.resource(rep, "CRM Opportunity Stage", "Prospecting").status_code, 200)
		created = self.create(rep, "CRM Opportunity Stage", stage_name="Mine " + random_string(5))
		self.assertTrue(refused(created), created.text[:300])
