"""Customer archive on a real site: coding rule, bad input, duplicates, lifecycle, deactivation."""

import random

import frappe
from frappe.utils import add_days, random_string, today

from crm_plus.domain.validation import id_number_check_char, uscc_check_char
from crm_plus.tests.http import HTTPTestCase
from crm_plus.tests.names import CUSTOMER, TRANSACTION
from crm_plus.tests.utils import CRMTestCase, make_customer, make_user


def valid_id(born="19870109"):
	first17 = "130302" + born + "123"
	return first17 + id_number_check_char(first17)


def valid_uscc():
	first17 = "91130300" + "".join(random.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
	return first17 + uscc_check_char(first17)


class TestCustomerArchive(CRMTestCase):
	def test_seed_002_enterprise_with_key_person(self):
		doc = make_customer(
			f"苏宁电器 {random_string(4)}",
			address="河北大街1号",
			company_phone="0335-6666",
			main_business="家电销售",
			tax_id=valid_uscc(),
			key_people=[
				{"person_name": "秘书", "position": "秘书", "phone": "0335-6666", "hobbies": "高尔夫"}
			],
		)
		self.assertTrue(doc.name.startswith("CUST-"))
		self.assertEqual(doc.customer_code, doc.name)
		self.assertEqual(len(doc.key_people), 1)
		self.assertEqual(doc.status, "Potential")
		self.assertEqual(doc.grade, "Small")  # suggested on insert: no purchases yet

	def test_seed_002_individual(self):
		doc = make_customer(
			f"刘雁峰 {random_string(4)}",
			customer_kind="Individual",
			address="河涧里",
			landline="0335-9876",
			birth_date="1987-01-09",
			occupation="教师",
			hobbies="读书",
			id_number=valid_id(),
			mobile="13812345678",
		)
		self.assertEqual(doc.id_number, valid_id())

	def test_coding_rule_comes_from_settings(self):
		frappe.db.set_single_value("CRM Plus Settings", "customer_code_series", "KH-.YYYY.-.####")
		frappe.clear_document_cache("CRM Plus Settings", "CRM Plus Settings")
		try:
			doc = make_customer()
			self.assertRegex(doc.name, r"^KH-\d{4}-\d{4}$")
		finally:
			frappe.db.set_single_value("CRM Plus Settings", "customer_code_series", "CUST-.#####")

	def assert_refused(self, message_part, **fields):
		before = frappe.db.count("CRM Customer")
		with self.assertRaises(frappe.ValidationError) as ctx:
			make_customer(**fields)
		self.assertIn(message_part, str(ctx.exception))
		self.assertEqual(frappe.db.count("CRM Customer"), before)

	def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(self):
		self.assert_refused("not a valid phone number", company_phone="12ab")
		self.assert_refused("not a valid email address", email="someone@@example")
		self.assert_refused("not a valid mobile number", customer_kind="Individual", mobile="12345")
		self.assert_refused(
			"not a valid resident ID number", customer_kind="Individual", id_number="130302198701091230"
		)
		self.assert_refused("not a valid unified social credit code", tax_id="91130300MA0A1B2C3X")
		self.assert_refused("cannot be negative", registered_capital=-1)
		self.assert_refused("cannot be negative", annual_revenue=-100)
		self.assert_refused("cannot be in the future", founding_date=add_days(today(), 1))

	def test_duplicates_name_the_existing_customer(self):
		tax_id = valid_uscc()
		first = make_customer(f"国美电器 {random_string(5)}", tax_id=tax_id)
		with self.assertRaises(frappe.DuplicateEntryError) as ctx:
			make_customer(first.customer_name.replace(" ", "  "))
		self.assertIn(first.name, str(ctx.exception))
		with self.assertRaises(frappe.DuplicateEntryError) as ctx:
			make_customer(tax_id=tax_id)
		self.assertIn(first.name, str(ctx.exception))

	def test_duplicate_phone(self):
		phone = f"0335-{random.randint(1000000, 9999999)}"
		first = make_customer(company_phone=phone)
		with self.assertRaises(frappe.DuplicateEntryError) as ctx:
			make_customer(company_phone=phone)
		self.assertIn(first.name, str(ctx.exception))

	def test_status_changes_are_logged_with_time_in_status(self):
		doc = make_customer()
		logs = frappe.get_all("CRM Customer Status Log", {"customer": doc.name}, ["from_status", "to_status"])
		self.assertEqual([(row.from_status, row.to_status) for row in logs], [(None, "Potential")])
		doc.status = "Target"
		doc.save()
		logs = frappe.get_all(
			"CRM Customer Status Log",
			{"customer": doc.name},
			["from_status", "to_status", "days_in_previous_status"],
			order_by="creation asc, name asc",
		)
		self.assertEqual(logs[-1].from_status, "Potential")
		self.assertEqual(logs[-1].to_status, "Target")
		self.assertIsNotNone(logs[-1].days_in_previous_status)

	def test_customer_without_history_can_be_deleted(self):
		doc = make_customer()
		frappe.delete_doc("CRM Customer", doc.name)
		self.assertFalse(frappe.db.exists("CRM Customer", doc.name))
		self.assertFalse(frappe.db.exists("CRM Customer Status Log", {"customer": doc.name}))

	def test_changes_are_tracked_and_enterprise_drops_personal_fields(self):
		doc = make_customer(customer_kind="Individual", mobile="13912345678")
		doc.customer_kind = "Enterprise"
		doc.save(ignore_version=False)  # Frappe skips versions in tests unless asked
		self.assertIsNone(frappe.db.get_value("CRM Customer", doc.name, "mobile"))
		self.assertTrue(frappe.db.exists("Version", {"ref_doctype": "CRM Customer", "docname": doc.name}))


class TestCustomerJourneys(HTTPTestCase):
	"""A rep opens a customer's archive, records its purchases, deactivates and restores it: over HTTP."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.org.extra_customers = []
		cls.admin = make_user("grading-crm-admin@test.example", ["CRM Admin"])
		frappe.db.commit()

	def new_customer(self, client, **fields):
		response = self.insert(
			client,
			CUSTOMER,
			customer_name=fields.pop("customer_name", f"Rep's Customer {random_string(8)}"),
			customer_kind=fields.pop("customer_kind", "Enterprise"),
			**fields,
		)
		if response.status_code == 200:
			self.org.extra_customers.append(response.json["data"]["name"])
		return response

	def sale(self, client, customer, amount, **fields):
		return self.insert(
			client,
			TRANSACTION,
			customer=customer,
			amount=amount,
			gross_profit=fields.pop("gross_profit", amount * 0.2),
			posting_date=fields.pop("posting_date", today()),
			**fields,
		)

	def test_a_rep_opens_an_archive_and_its_purchases_move_the_lifecycle(self):
		o = self.org
		rep = self.login(o.rep_a1)
		response = self.new_customer(
			rep,
			customer_name=f"苏宁电器 {random_string(4)}",
			account_manager=o.rep_a1,
			sales_team=o.team_a1,
			address="河北大街1号",
			company_phone="0335-6666",
			tax_id=valid_uscc(),
			key_people=[{"person_name": "秘书", "position": "秘书", "phone": "0335-6666"}],
		)
		self.assertEqual(response.status_code, 200, response.text[:400])
		name = response.json["data"]["name"]
		stored = self.fresh().get_value(
			CUSTOMER, name, ["customer_code", "status", "grade", "account_manager", "owner"], as_dict=True
		)
		self.assertTrue(name.startswith("CUST-"))
		self.assertEqual(
			(stored.customer_code, stored.status, stored.grade, stored.account_manager, stored.owner),
			(name, "Potential", "Small", o.rep_a1, o.rep_a1),
		)
		self.assertEqual(self.fresh().count("CRM Customer Key Person", {"parent": name}), 1)
		# The rep's colleague in division B does not see it.
		self.assertEqual(self.resource(self.login(o.rep_b), CUSTOMER, name).status_code, 403)

		response = self.sale(rep, name, 1000)
		self.assertEqual(response.status_code, 200, response.text[:400])
		self.assertEqual(self.fresh().get_value(CUSTOMER, name, "status"), "First Purchase")
		self.assertEqual(self.sale(rep, name, 2000).status_code, 200)
		response = self.sale(rep, name, 300, gross_profit=60, is_return=1)
		self.assertEqual(response.status_code, 200, response.text[:400])
		self.assertEqual(response.json["data"]["amount"], -300)
		stored = self.fresh().get_value(
			CUSTOMER, name, ["status", "total_sales", "total_profit", "transaction_count"], as_dict=True
		)
		self.assertEqual(
			(stored.status, stored.total_sales, stored.total_profit, stored.transaction_count),
			("Repeat", 2700, 540, 3),
		)
		# Statuses changed by the sales are logged.
		logs = self.fresh().get_all("CRM Customer Status Log", {"customer": name}, pluck="to_status")
		self.assertEqual(set(logs), {"Potential", "First Purchase", "Repeat"})

	def test_bad_input_from_a_rep_is_refused_and_nothing_saved(self):
		o = self.org
		rep = self.login(o.rep_a1)
		before = self.fresh().count(CUSTOMER)
		for fields, message in (
			({"company_phone": "12ab"}, "not a valid phone number"),
			({"tax_id": "91130300MA0A1B2C3X"}, "not a valid unified social credit code"),
			({"founding_date": add_days(today(), 1)}, "cannot be in the future"),
		):
			response = self.new_customer(rep, account_manager=o.rep_a1, **fields)
			self.assertEqual(response.status_code, 417, (fields, response.text[:300]))
			self.assertIn(message, response.text)
		self.assertEqual(self.fresh().count(CUSTOMER), before)
		response = self.sale(rep, o.c_a1, 100, posting_date=add_days(today(), 2))
		self.assertEqual(response.status_code, 417, response.text[:300])
		self.assertIn("cannot be in the future", response.text)
		response = self.sale(rep, o.c_a1, -100)
		self.assertEqual(response.status_code, 417, response.text[:300])
		self.assertIn("A negative amount is a return", response.text)
		response = self.sale(self.login(o.rep_b), o.c_a1, 100)
		self.assertEqual(response.status_code, 403, response.text[:300])
		self.assertEqual(self.fresh().count(TRANSACTION, {"customer": o.c_a1}), 0)

	def test_a_rep_deactivates_and_restores_their_customer(self):
		o = self.org
		rep = self.login(o.rep_a2)
		self.assertEqual(self.sale(rep, o.c_a2, 500).status_code, 200)
		response = self.run_method(rep, CUSTOMER, o.c_a2, "deactivate", reason="")
		self.assertEqual(response.status_code, 417, response.text[:300])
		self.assertIn("Please give a reason", response.text)
		# Another division's rep cannot deactivate it, nor can service staff who only read it.
		for user in (o.rep_b, o.agent_a):
			response = self.run_method(self.login(user), CUSTOMER, o.c_a2, "deactivate", reason="not mine")
			self.assertEqual(response.status_code, 403, f"{user}: {response.text[:300]}")
		self.assertEqual(self.fresh().get_value(CUSTOMER, o.c_a2, "disabled"), 0)

		response = self.run_method(
			rep, CUSTOMER, o.c_a2, "deactivate", reason="Company closed its office here"
		)
		self.assertEqual(response.status_code, 200, response.text[:400])
		stored = self.fresh().get_value(
			CUSTOMER, o.c_a2, ["disabled", "deactivated_on", "deactivation_reason"], as_dict=True
		)
		self.assertEqual(
			(stored.disabled, str(stored.deactivated_on), stored.deactivation_reason),
			(1, today(), "Company closed its office here"),
		)
		response = self.sale(rep, o.c_a2, 100)
		self.assertEqual(response.status_code, 417, response.text[:300])
		self.assertIn("deactivated", response.text)
		# A customer with history is never deleted.
		response = self.delete(self.login(self.admin), f"/api/resource/{CUSTOMER}/{o.c_a2}")
		self.assertEqual(response.status_code, 417, response.text[:300])
		self.assertIn("LinkExistsError", response.text)
		self.assertTrue(self.fresh().exists(CUSTOMER, o.c_a2))

		response = self.run_method(rep, CUSTOMER, o.c_a2, "restore", reason="Reopened")
		self.assertEqual(response.status_code, 200, response.text[:400])
		self.assertEqual(
			self.fresh().get_value(CUSTOMER, o.c_a2, ["disabled", "deactivation_reason"]), (0, None)
		)
		events = self.fresh().get_all("CRM Customer Event", {"customer": o.c_a2}, ["event_type", "owner"])
		self.assertEqual(
			sorted((e.event_type, e.owner) for e in events if e.event_type in ("Deactivated", "Restored")),
			[("Deactivated", o.rep_a2), ("Restored", o.rep_a2)],
		)
		self.assertEqual(self.sale(rep, o.c_a2, 100).status_code, 200)
