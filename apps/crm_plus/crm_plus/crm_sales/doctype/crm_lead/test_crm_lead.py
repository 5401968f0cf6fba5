"""Leads beyond the journey of tests/test_sales_funnel.py: a departing rep's open leads and
opportunities move with a transfer, and a sales manager imports leads through Frappe's Data Import,
with the duplicate check refusing a row that repeats a lead."""

import frappe
from frappe.utils import random_string

from crm_plus.tests.names import LEAD, OPPORTUNITY
from crm_plus.tests.sales_utils import SalesTestCase
from crm_plus.tests.utils import new_data_import


class TestLeadTransferAndImport(SalesTestCase):
	def test_a_transfer_moves_the_departing_reps_open_leads_and_opportunities(self):
		o = self.org
		open_lead = self.make_lead(o.rep_a2, o.team_a1)
		dropped = self.make_lead(o.rep_a2, o.team_a1, status="Unqualified", unqualified_reason="No budget")
		opportunity = self.make_opportunity(open_lead, o.rep_a2, o.team_a1)
		response = self.transfer(o.mgr_a, o.rep_a2, o.rep_a1)
		self.assertEqual(response.status_code, 200, response.text[:400])
		db = self.fresh()
		self.assertEqual(db.get_value(LEAD, open_lead, "account_manager"), o.rep_a1)
		self.assertEqual(db.get_value(OPPORTUNITY, opportunity, "account_manager"), o.rep_a1)
		self.assertEqual(db.get_value(LEAD, dropped, "account_manager"), o.rep_a2)  # closed: stays
		moved = {m["reference_doctype"]: m["records_moved"] for m in response.json["data"]["moved"]}
		self.assertGreaterEqual(moved.get(LEAD, 0), 1)
		self.assertGreaterEqual(moved.get(OPPORTUNITY, 0), 1)

	def test_a_sales_manager_imports_leads_and_a_duplicate_row_is_refused(self):
		o = self.org
		existing = self.make_lead(o.rep_a1, o.team_a1)
		taken_phone = frappe.db.get_value(LEAD, existing, "phone")
		suffix = random_string(6)
		rows = [
			["Person Name", "Company Name", "Phone", "Lead Owner", "Sales Team"],
			[f"Imported One {suffix}", f"Import Co {suffix}", self.phone(), o.rep_a1, o.team_a1],
			[f"Imported Two {suffix}", "", self.phone(), o.mgr_a, o.team_a],
			[f"Imported Dup {suffix}", "", taken_phone, o.rep_a1, o.team_a1],
		]
		content = "\n".join(",".join(r) for r in rows).encode("utf-8")
		self.as_user(o.mgr_a)
		self.assertTrue(frappe.has_permission(LEAD, "import"))
		file, data_import = new_data_import(LEAD, f"leads-{suffix}.csv", content)
		data_import.start_import()
		self.as_user("Administrator")
		imported = frappe.get_all(
			LEAD, {"lead_name": ("like", f"%{suffix}")}, ["lead_name", "division", "owner"]
		)
		self.assertEqual(
			sorted((r.lead_name, r.division, r.owner) for r in imported),
			[(f"Imported One {suffix}", o.div_a, o.mgr_a), (f"Imported Two {suffix}", o.div_a, o.mgr_a)],
		)
		errors = frappe.get_all(
			"Data Import Log", {"data_import": data_import.name, "success": 0}, pluck="messages"
		)
		self.assertEqual(len(errors), 1)
		self.assertIn("already exists", errors[0])
		frappe.delete_doc("Data Import", data_import.name, force=True, ignore_permissions=True)
		frappe.delete_doc("File", file.name, force=True, ignore_permissions=True)
		frappe.db.commit()
