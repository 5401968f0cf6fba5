"""Install: roles, settings and default records exist; translations are compiled; migrate is idempotent."""

import os

import frappe

from crm_plus.domain.roles import ALL_ROLES
from crm_plus.install import after_migrate
from crm_plus.tests.utils import CRMTestCase


class TestInstall(CRMTestCase):
	def test_roles_exist_with_desk_access(self):
		for role in ALL_ROLES:
			self.assertTrue(frappe.db.exists("Role", role), role)
			self.assertEqual(frappe.db.get_value("Role", role, "desk_access"), 1, role)

	def test_settings_have_their_defaults(self):
		settings = frappe.get_single("CRM Plus Settings")
		self.assertEqual(settings.customer_code_series, "CUST-.#####")
		self.assertEqual(settings.grading_window_days, 365)
		self.assertEqual(settings.scoring_method, "Fixed Thresholds")
		self.assertTrue(settings.check_duplicate_name)

	def test_default_grades_form_the_pyramid(self):
		grades = frappe.get_all(
			"CRM Customer Grade", fields=["name", "rank", "min_score"], order_by="`rank` asc"
		)
		self.assertEqual([g.name for g in grades][:4], ["VIP", "Key", "Ordinary", "Small"])
		self.assertTrue(frappe.db.exists("CRM Region", "All Regions"))

	def test_after_migrate_twice_changes_nothing(self):
		counts = {
			dt: frappe.db.count(dt) for dt in ("Role", "CRM Customer Grade", "CRM Industry", "CRM Region")
		}
		after_migrate()
		after_migrate()
		self.assertEqual(counts, {dt: frappe.db.count(dt) for dt in counts})

	def test_chinese_translations_are_compiled_and_used(self):
		from frappe.gettext.translate import get_mo_path

		self.assertTrue(os.path.exists(get_mo_path("crm_plus", "zh")))
		frappe.local.lang = "zh"
		try:
			frappe.translate.clear_cache()
			self.assertEqual(frappe._("Customer Grading"), "客户分级")
			self.assertEqual(frappe._("VIP"), "VIP 客户")
		finally:
			frappe.local.lang = "en"

	def test_settings_added_by_an_update_get_their_defaults(self):
		frappe.db.sql(
			"delete from `tabSingles` where doctype = 'CRM Plus Settings' and field = 'reopen_window_days'"
		)
		after_migrate()
		self.assertEqual(frappe.db.get_single_value("CRM Plus Settings", "reopen_window_days"), 30)
		frappe.db.set_single_value("CRM Plus Settings", "reopen_window_days", 7)
		after_migrate()
		self.assertEqual(frappe.db.get_single_value("CRM Plus Settings", "reopen_window_days"), 7)
		frappe.db.set_single_value("CRM Plus Settings", "reopen_window_days", 30)
