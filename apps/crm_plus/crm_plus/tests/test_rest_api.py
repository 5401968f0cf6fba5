"""The REST API over HTTP (a WSGI test client of the site), logged in as reps of different teams."""

import json

import frappe
from frappe.tests.test_api import make_request
from frappe.utils import get_test_client

from crm_plus.tests.utils import CRMTestCase, Org

PASSWORD = "Crm-Test-Pass-2026!"
CUSTOMER = "CRM Customer"


class TestRestAPI(CRMTestCase):
	"""Requests run on their own connection, so the organisation is committed and removed afterwards."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.org = Org()
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		for name in cls.org.all_customers:
			for dt in ("CRM Customer Status Log", "CRM Customer Grade Log", "CRM Customer Event"):
				frappe.db.delete(dt, {"customer": name})
			frappe.db.delete(CUSTOMER, {"name": name})
		o = cls.org
		for team in (o.team_a1, o.team_a, o.team_b):
			frappe.delete_doc("CRM Sales Team", team, force=True, ignore_permissions=True)
		for division in (o.div_a, o.div_b):
			frappe.delete_doc("CRM Division", division, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	def client_for(self, user):
		client = get_test_client()
		response = make_request(client.post, ("/api/method/login",), {"json": {"usr": user, "pwd": PASSWORD}})
		self.assertEqual(response.status_code, 200, response.text)
		return client

	def get(self, client, path, params=None):
		return make_request(client.get, (path,), {"query_string": params or {}})

	def test_resource_list_and_document(self):
		o = self.org
		rep = self.client_for(o.rep_a1)
		listed = self.get(
			rep,
			f"/api/resource/{CUSTOMER}",
			{"limit_page_length": 0, "filters": json.dumps([["name", "in", list(o.all_customers)]])},
		)
		self.assertEqual(listed.status_code, 200)
		self.assertEqual({r["name"] for r in listed.json["data"]}, {o.c_a1})
		self.assertEqual(self.get(rep, f"/api/resource/{CUSTOMER}/{o.c_a1}").status_code, 200)
		self.assertEqual(self.get(rep, f"/api/resource/{CUSTOMER}/{o.c_b}").status_code, 403)

	def test_counts_and_search_over_http(self):
		o = self.org
		rep = self.client_for(o.rep_b)
		count = self.get(
			rep,
			"/api/method/frappe.client.get_count",
			{"doctype": CUSTOMER, "filters": json.dumps([["name", "in", list(o.all_customers)]])},
		)
		self.assertEqual(count.json["message"], 1)
		found = self.get(
			rep, "/api/method/frappe.desk.search.search_link", {"doctype": CUSTOMER, "txt": o.suffix}
		)
		self.assertEqual({r["value"] for r in found.json["message"]}, {o.c_b})

	def test_guest_sees_nothing(self):
		client = get_test_client()
		response = self.get(client, f"/api/resource/{CUSTOMER}")
		self.assertIn(response.status_code, (401, 403))
		response = self.get(client, f"/api/resource/{CUSTOMER}/{self.org.c_a1}")
		self.assertIn(response.status_code, (401, 403))
