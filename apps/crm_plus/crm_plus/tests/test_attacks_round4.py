"""Round 4 attacks on the session's new surfaces (int6), over HTTP as the users who would try them."""

import frappe

from crm_plus.tests.http import HTTPTestCase
from crm_plus.tests.utils import make_customer

TABLE = "`tabCRM Customer`"


class TestAssignedRepListPagesTies(HTTPTestCase):
	"""crm_plus.list_view: a rep with an assigned customer pages through customers that share one
	`modified` (a transfer, an import, a bulk update writes one timestamp). Every customer must be on
	exactly one page, as on Frappe's own list of a rep without assignments."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		o = cls.org
		cls.own = [
			make_customer(f"B tie {i} {o.suffix}", account_manager=o.rep_b, sales_team=o.team_b).name
			for i in range(9)
		]
		o.extra_customers = cls.own
		frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": o.rep_b,
				"reference_type": "CRM Customer",
				"reference_name": o.c_a1,
				"description": "cover",
			}
		).insert()
		# One timestamp for all of rep_b's own customers, as a bulk write leaves them.
		frappe.db.sql(
			"update `tabCRM Customer` set modified = '2026-01-05 10:00:00' where account_manager = %s",
			o.rep_b,
		)
		frappe.db.commit()

	def page(self, user, start, page_length, order="desc", filters=None):
		response = self.call(
			self.login(user),
			"frappe.desk.reportview.get",
			doctype="CRM Customer",
			fields=[f"{TABLE}.`name`"],
			filters=filters or [],
			order_by=f"{TABLE}.`modified` {order}",
			start=start,
			page_length=page_length,
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		return [row[0] for row in (response.json.get("message") or {}).get("values", [])]

	def pages(self, user, total, page_length, **kwargs):
		rows = []
		for start in range(0, total + page_length, page_length):
			rows += self.page(user, start, page_length, **kwargs)
		return rows

	def test_every_customer_on_exactly_one_page(self):
		o = self.org
		mine = sorted({*self.own, o.c_b, o.c_a1})
		for order in ("desc", "asc"):
			for page_length in (2, 3, 4):
				rows = self.pages(o.rep_b, len(mine), page_length, order=order)
				self.assertEqual(sorted(rows), mine, f"{order}, pages of {page_length}")
		# The list with a filter of the user's (the second form of the two reads) too.
		some = [["CRM Customer", "customer_name", "like", "%"]]
		rows = self.pages(o.rep_b, len(mine), 3, filters=some)
		self.assertEqual(sorted(rows), mine)
