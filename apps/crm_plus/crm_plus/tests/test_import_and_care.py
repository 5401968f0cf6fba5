"""Bulk import with Chinese headers, customer-care reminders, one test user per role. (Contacts are
walked by the rep in test_customer_360, manual grading factors by the manager in test_grading.)"""

import json

import frappe
from frappe.utils import add_days, add_years, getdate, random_string, today

from crm_plus.crm_customers.care import send_care_reminders
from crm_plus.tests.utils import CRMTestCase, Org, make_customer, make_role_users, new_data_import


class TestImportInChinese(CRMTestCase):
	def setUp(self):
		super().setUp()
		frappe.local.lang = "zh"
		frappe.translate.clear_cache()

	def tearDown(self):
		frappe.local.lang = "en"
		frappe.translate.clear_cache()
		super().tearDown()

	def test_template_headers_come_out_in_chinese(self):
		from frappe.core.doctype.data_import.exporter import Exporter

		exporter = Exporter(
			"CRM Customer",
			export_fields={"CRM Customer": ["customer_name", "customer_kind", "company_phone", "address"]},
			export_data=False,
		)
		header = exporter.get_csv_array_for_export()[0]
		self.assertEqual(header, ["客户名称", "客户类别", "公司电话", "地址"])

	def test_seed_002_rows_import_with_chinese_headers(self):
		suffix = random_string(5)
		rows = [
			["客户名称", "客户类别", "客户经理", "地址", "公司电话", "主营业务"],
			[f"苏宁电器{suffix}", "Enterprise", "Administrator", "河北大街1号", "0335-6666", "家电销售"],
			[f"国美电器{suffix}", "Enterprise", "Administrator", "建设大街2号", "0335-8888", "家电销售"],
			[f"坏电话{suffix}", "Enterprise", "Administrator", "秦皇大街3号", "电话12ab", "超市销售"],
		]
		content = "\n".join(",".join(r) for r in rows).encode("utf-8")
		_, data_import = new_data_import("CRM Customer", f"customers-{suffix}.csv", content)
		try:
			data_import.start_import()
			imported = frappe.get_all(
				"CRM Customer", {"customer_name": ("like", f"%{suffix}")}, pluck="customer_name"
			)
			self.assertEqual(sorted(imported), sorted([f"苏宁电器{suffix}", f"国美电器{suffix}"]))
			# The bad row is reported with its translated message, and nothing of it is saved.
			logs = frappe.get_all(
				"Data Import Log", {"data_import": data_import.name, "success": 0}, pluck="messages"
			)
			self.assertEqual(len(logs), 1)
			self.assertIn("不是有效的电话号码", json.loads(logs[0])[0]["message"])
		finally:
			for name in frappe.get_all(
				"CRM Customer", {"customer_name": ("like", f"%{suffix}")}, pluck="name"
			):
				frappe.delete_doc("CRM Customer", name, force=True)
			frappe.db.commit()


class TestCustomerCare(CRMTestCase):
	def test_birthdays_are_announced_once_to_the_account_manager(self):
		org = Org()
		born = add_years(add_days(today(), 2), -40)
		customer = make_customer(
			customer_kind="Individual", birth_date=born, account_manager=org.rep_a1, sales_team=org.team_a1
		)
		founded = make_customer(
			founding_date=add_years(add_days(today(), 1), -10),
			key_people=[{"person_name": f"Boss {random_string(4)}", "birthday": add_years(today(), -50)}],
			account_manager=org.rep_b,
		)
		frappe.db.set_single_value("CRM Plus Settings", "reminder_days_ahead", 3)
		before = {u: frappe.db.count("Notification Log", {"for_user": u}) for u in (org.rep_a1, org.rep_b)}
		sent = send_care_reminders()
		self.assertGreaterEqual(sent, 3)
		self.assertEqual(
			frappe.db.count("Notification Log", {"for_user": org.rep_a1}), before[org.rep_a1] + 1
		)
		self.assertEqual(frappe.db.count("Notification Log", {"for_user": org.rep_b}), before[org.rep_b] + 2)
		subjects = frappe.get_all(
			"Notification Log", {"for_user": org.rep_a1, "document_name": customer.name}, pluck="subject"
		)
		self.assertIn("40", subjects[0])
		self.assertIn(str(getdate(born).year + 40)[:4], str(add_days(today(), 2)))
		# A second run the same day sends nothing more.
		self.assertEqual(send_care_reminders(), 0)
		self.assertEqual(frappe.db.count("Notification Log", {"for_user": org.rep_b}), before[org.rep_b] + 2)
		self.assertTrue(frappe.db.exists("CRM Sent Notification", {"reference_name": founded.name}))


class TestRoleUsers(CRMTestCase):
	def test_one_test_user_per_role(self):
		users = make_role_users()
		for role, user in users.items():
			self.assertIn(role, frappe.get_roles(user))
			self.assertNotIn("System Manager", frappe.get_roles(user))
