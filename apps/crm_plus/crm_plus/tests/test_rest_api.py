"""The REST API over HTTP (a WSGI test client of the site), logged in as reps of different teams."""

from crm_plus.tests.http import HTTPTestCase
from crm_plus.tests.names import CUSTOMER


class TestRestAPI(HTTPTestCase):
	def test_resource_list_and_document(self):
		o = self.org
		rep = self.login(o.rep_a1)
		listed = self.resource(
			rep, CUSTOMER, limit_page_length=0, filters=[["name", "in", list(o.all_customers)]]
		)
		self.assertEqual(listed.status_code, 200)
		self.assertEqual({r["name"] for r in listed.json["data"]}, {o.c_a1})
		self.assertEqual(self.resource(rep, CUSTOMER, o.c_a1).status_code, 200)
		self.assertEqual(self.resource(rep, CUSTOMER, o.c_b).status_code, 403)

	def test_counts_and_search_over_http(self):
		o = self.org
		rep = self.login(o.rep_b)
		count = self.call(
			rep,
			"frappe.client.get_count",
			http="GET",
			doctype=CUSTOMER,
			filters=[["name", "in", list(o.all_customers)]],
		)
		self.assertEqual(count.json["message"], 1)
		found = self.call(rep, "frappe.desk.search.search_link", http="GET", doctype=CUSTOMER, txt=o.suffix)
		self.assertEqual({r["value"] for r in found.json["message"]}, {o.c_b})

	def test_guest_sees_nothing(self):
		guest = self.login("Guest")
		self.assertIn(self.resource(guest, CUSTOMER).status_code, (401, 403))
		self.assertIn(self.resource(guest, CUSTOMER, self.org.c_a1).status_code, (401, 403))
