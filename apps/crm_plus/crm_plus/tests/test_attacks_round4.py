"""Round 4 attacks on the session's new surfaces (int6), over HTTP as the users who would try them."""

import frappe

from crm_plus.tests.http import HTTPTestCase
from crm_plus.tests.names import CUSTOMER_TABLE as TABLE
from crm_plus.tests.utils import rep_b_with_a1_assigned


class TestAssignedRepListPagesTies(HTTPTestCase):
	"""crm_plus.list_view: a rep with an assigned customer pages through customers that share one
	`modified` (a transfer, an import, a bulk update writes one timestamp). Every customer must be on
	exactly one page, as on Frappe's own list of a rep without assignments."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		o = cls.org
		cls.own = rep_b_with_a1_assigned(o, "tie", 9)
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


class TestDocumentMethodOnUnsavedRecord(HTTPTestCase):
	"""crm_plus.security.request_guard.stored_document_for_methods: a document method of the app runs on
	the stored record. A `run_doc_method` whose document has no name was left to Frappe, which built it
	from the client's JSON; a new visit passes the shell's has_permission (judged when saved), so a rep of
	division B ran `check_in` on a visit naming a customer of division A and the refusal told the
	distance from any point to that customer's stored location (three points: where it is)."""

	def test_check_in_of_an_unsaved_visit_of_another_divisions_customer(self):
		o = self.org
		frappe.db.set_value("CRM Customer", o.c_a1, {"latitude": 40.766456, "longitude": 116.22729})
		frappe.db.commit()
		rep = self.login(o.rep_b)
		for docs in (
			{"doctype": "CRM Visit", "__islocal": 1, "customer": o.c_a1, "status": "Planned"},
			{"doctype": "CRM Visit", "customer": o.c_a1, "status": "Planned", "sales_rep": o.rep_b},
		):
			response = self.call(
				rep,
				"run_doc_method",
				method="check_in",
				docs=frappe.as_json(docs),
				args=frappe.as_json({"latitude": 0, "longitude": 0, "accuracy": 10}),
			)
			self.assertEqual(response.status_code, 403, response.text[:300])
			self.assertNotIn("CheckInRefused", response.text)
			self.assertNotIn("12181968", response.text)  # metres from (0, 0) to the customer
		# The customer's own rep still checks in on the stored visit (by name: the desk's form).
		visit = frappe.get_doc(
			{
				"doctype": "CRM Visit",
				"customer": o.c_a1,
				"sales_rep": o.rep_a1,
				"status": "Planned",
				"planned_start": frappe.utils.now_datetime(),
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		response = self.call(
			self.login(o.rep_a1),
			"run_doc_method",
			method="check_in",
			docs=frappe.as_json({"doctype": "CRM Visit", "name": visit.name}),
			args=frappe.as_json({"latitude": 40.766456, "longitude": 116.22729, "accuracy": 10}),
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		self.assertEqual(frappe.db.get_value("CRM Visit", visit.name, "status"), "Checked In")


class TestUnsavedRecordOfAnotherDivisionsCustomer(HTTPTestCase):
	"""crm_plus.security.conditions.new_record_allowed: an unsaved record passed the single-record check
	unless it belonged to a record (BELONGS_TO); a visit, complaint or activity was "judged when saved".
	The print view renders a document the client sends (`get_html_and_style(doc=<JSON>)`): a rep of
	division B printed an unsaved visit, complaint or activity naming any customer by its id and read
	the customer's name (the link's title) — every customer of every division, id by id."""

	def test_print_of_an_unsaved_record_naming_another_divisions_customer(self):
		o = self.org
		secret = frappe.db.get_value("CRM Customer", o.c_a1, "customer_name")
		rep = self.login(o.rep_b)
		for doctype, fields in (
			("CRM Visit", {"customer": o.c_a1, "sales_rep": o.rep_b, "status": "Planned"}),
			("CRM Complaint", {"customer": o.c_a1, "subject": "x", "handler": o.rep_b}),
			("CRM Activity", {"customer": o.c_a1, "subject": "x"}),
		):
			response = self.call(
				rep,
				"frappe.www.printview.get_html_and_style",
				doc=frappe.as_json({"doctype": doctype, "__islocal": 1, **fields}),
				print_format="Standard",
			)
			self.assertNotIn(secret, response.text, doctype)
			self.assertEqual(response.status_code, 403, f"{doctype}: {response.text[:200]}")
		# The single-record check itself judges an unsaved record by the customer it names (any other
		# surface that checks a document the client sends), as the write guards do on save.
		self.as_user(o.rep_b)
		try:
			for customer, allowed in ((o.c_a1, False), (o.c_b, True)):
				for doctype, ptype in (
					("CRM Visit", "read"),
					("CRM Visit", "create"),
					("CRM Complaint", "read"),
				):
					doc = frappe.new_doc(doctype)
					doc.customer = customer
					self.assertEqual(bool(doc.has_permission(ptype)), allowed, (doctype, ptype, customer))
		finally:
			self.as_user("Administrator")


class TestPrintOfADocumentTheClientSends(HTTPTestCase):
	"""The desk's print preview posts the form's document (`get_html_and_style(doc=<JSON>)`) and Frappe
	renders that copy after checking the stored record of its name. A rep of division B printed a copy
	of their own visit naming a customer of division A (the stored visit passes), or an unsaved
	opportunity, lead, visit plan or contract naming another division's records, and read their names
	(the links' titles)."""

	def print_copy(self, user, doc):
		return self.call(
			self.login(user),
			"frappe.www.printview.get_html_and_style",
			doc=frappe.as_json(doc),
			print_format="Standard",
		)

	def test_a_copy_names_another_divisions_customer(self):
		o = self.org
		secret = frappe.db.get_value("CRM Customer", o.c_a1, "customer_name")
		own = frappe.db.get_value("CRM Customer", o.c_b, "customer_name")
		visit = frappe.get_doc(
			{
				"doctype": "CRM Visit",
				"customer": o.c_b,
				"sales_rep": o.rep_b,
				"status": "Planned",
				"planned_start": frappe.utils.now_datetime(),
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		copy = visit.as_dict(convert_dates_to_str=True) | {"customer": o.c_a1}
		response = self.print_copy(o.rep_b, copy)
		self.assertNotIn(secret, response.text)
		# The stored visit is what prints (the desk's preview of a saved form).
		self.assertEqual(response.status_code, 200, response.text[:200])
		self.assertIn(own, response.text)
		for doc in (
			{"doctype": "CRM Opportunity", "customer": o.c_a1, "account_manager": o.rep_b},
			{"doctype": "CRM Lead", "converted_customer": o.c_a1},
			{"doctype": "CRM Visit Plan", "sales_rep": o.rep_b, "items": [{"customer": o.c_a1}]},
		):
			response = self.print_copy(o.rep_b, {"__islocal": 1, **doc})
			self.assertNotIn(secret, response.text, doc["doctype"])
			self.assertEqual(response.status_code, 403, f"{doc['doctype']}: {response.text[:200]}")
