"""Helpers of the sales funnel's integration tests beside its DocTypes (contracts, activities, pool)."""

import frappe

from crm_plus.tests.names import ACTIVITY, POOL_LOG
from crm_plus.tests.test_adversarial_sweep import HOSTILE_FIELDS, HOSTILE_FILTERS
from crm_plus.tests.test_sales_funnel import SalesFunnelTestCase


class SalesTestCase(SalesFunnelTestCase):
	"""The funnel's organisation and clean-up, with activities and pool log rows of its leads and
	opportunities removed too (contracts and customers' activities go with the customers)."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.addClassCleanup(cls._remove_sales_records)  # runs before the funnel's clean-up

	@classmethod
	def _remove_sales_records(cls):
		frappe.db.rollback()
		leads = frappe.get_all("CRM Lead", {"sales_team": ("in", cls.teams())}, pluck="name")
		leads += frappe.get_all("CRM Lead", {"account_manager": ("in", cls.users())}, pluck="name")
		leads += frappe.get_all(
			"CRM Lead", {"division": ("in", [cls.org.div_a, cls.org.div_b])}, pluck="name"
		)
		opportunities = frappe.get_all(
			"CRM Opportunity", {"account_manager": ("in", cls.users())}, pluck="name"
		)
		frappe.db.delete(ACTIVITY, {"lead": ("in", leads or [""])})
		frappe.db.delete(ACTIVITY, {"opportunity": ("in", opportunities or [""])})
		pooled = leads + sorted(cls.org.all_customers)
		frappe.db.delete(POOL_LOG, {"reference_name": ("in", pooled)})
		# Pool leads have no owner or team: the funnel's clean-up finds them by their team again.
		frappe.db.sql(
			"update `tabCRM Lead` set sales_team = %s where name in %s and sales_team is null",
			(cls.org.team_a1, tuple(leads or [""])),
		)
		frappe.db.commit()

	def assert_hidden_everywhere(self, client, doctype: str, name: str, markers: list[str]):
		"""Not in the list, the count, the report view, by name, nor through hostile filters and fields."""
		name = str(name)
		self.assertNotIn(name, self.visible(client, doctype))
		self.assertEqual(self.count(client, doctype, {"name": name}), 0)
		self.assertNotIn(name, self.report_view(client, doctype))
		self.assertTrue(self.refused(self.resource(client, doctype, name)), doctype)
		calls = [("frappe.client.get_list", {"filters": f, "fields": ["name"]}) for f in HOSTILE_FILTERS]
		calls += [("frappe.client.get_count", {"filters": f}) for f in HOSTILE_FILTERS]
		calls += [("frappe.desk.reportview.get", {"filters": f, "fields": ["name"]}) for f in HOSTILE_FILTERS]
		calls += [("frappe.client.get_list", {"fields": f}) for f in HOSTILE_FIELDS]
		for endpoint, args in calls:
			response = self.call(client, endpoint, doctype=doctype, **args)
			text = response.get_data(as_text=True)
			for marker in markers:
				self.assertNotIn(marker, text, f"{endpoint} {doctype} {args!s:.100}")
			if isinstance(args.get("filters"), str) or args.get("filters") == ["1=1 or 1=1"]:
				self.assertTrue(self.refused(response), f"SQL filter accepted: {endpoint} {doctype}")

	@staticmethod
	def refused(response) -> bool:
		return response.status_code == 403

	def make_customer_opportunity(self, customer: str, owner: str, team: str) -> str:
		return self.committed_opportunity(owner, team, 10000, customer=customer)
