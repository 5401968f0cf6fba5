"""One view of a customer, walked by the people who use it, over HTTP: the form's connections with
counts and its timeline of visits and complaints; contacts and addresses that follow the customer,
to the rep who takes it over in a transfer, and never to another division."""

import frappe
from frappe.utils import today

from crm_plus.tests.http import HTTPTestCase
from crm_plus.tests.names import CUSTOMER
from crm_plus.tests.utils import add_complaint, make_transaction, make_visit


class TestCustomer360(HTTPTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		o = cls.org
		make_transaction(o.c_a1, 800)
		make_transaction(o.c_a1, 200)
		cls.visit = make_visit(o.c_a1, o.rep_a1, purpose="Sales")
		cls.complaint = add_complaint(o.c_a1, "Box <i>dented</i>")
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		for doctype in ("Contact", "Address"):
			names = frappe.get_all(
				"Dynamic Link",
				{
					"parenttype": doctype,
					"link_doctype": CUSTOMER,
					"link_name": ("in", list(cls.org.all_customers)),
				},
				pluck="parent",
			)
			for name in names:
				frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	def test_the_form_shows_the_customers_connections_with_counts(self):
		o = self.org
		rep = self.login(o.rep_a1)
		response = self.call(rep, "frappe.desk.notifications.get_open_count", doctype=CUSTOMER, name=o.c_a1)
		self.assertEqual(response.status_code, 200, response.text[:300])
		found = (
			response.json["message"]["count"]["internal_links_found"]
			+ response.json["message"]["count"]["external_links_found"]
		)
		counts = {c["doctype"]: c["count"] for c in found}
		self.assertEqual(counts["CRM Customer Transaction"], 2)
		self.assertEqual(counts["CRM Visit"], 1)
		self.assertEqual(counts["CRM Complaint"], 1)
		self.assertIn("CRM Survey Response", counts)
		self.assertIn("CRM Customer Grade Log", counts)
		other = self.login(o.rep_b)
		response = self.call(other, "frappe.desk.notifications.get_open_count", doctype=CUSTOMER, name=o.c_a1)
		self.assertEqual(response.status_code, 403)

	def test_the_timeline_lists_visits_and_complaints_escaped(self):
		o = self.org
		rep = self.login(o.rep_a1)
		response = self.call(rep, "frappe.desk.form.load.getdoc", http="GET", doctype=CUSTOMER, name=o.c_a1)
		self.assertEqual(response.status_code, 200, response.text[:300])
		timeline = response.json["docinfo"]["additional_timeline_content"]
		html = " ".join(item["content"] for item in timeline)
		self.assertIn(self.visit.name, html)
		self.assertIn(self.complaint.name, html)
		self.assertIn("Box dented", html)  # the subject as text, its markup dropped
		self.assertNotIn("<i>", html)

	def test_contacts_follow_the_customer_through_a_transfer(self):
		o = self.org
		owner = self.login(o.rep_a2)
		response = self.insert(
			owner,
			"Contact",
			first_name=f"Buyer {o.suffix}",
			email_ids=[{"email_id": f"buyer-{o.suffix}@example.com", "is_primary": 1}],
			links=[{"link_doctype": CUSTOMER, "link_name": o.c_a2}],
		)
		self.assertEqual(response.status_code, 200, response.text[:400])
		contact = response.json["data"]["name"]
		address = self.insert(
			owner,
			"Address",
			address_title=f"Depot {o.suffix}",
			address_line1="1 Hebei Street",
			city="Qinhuangdao",
			country="China",
			links=[{"link_doctype": CUSTOMER, "link_name": o.c_a2}],
		)
		self.assertEqual(address.status_code, 200, address.text[:400])
		address = address.json["data"]["name"]

		successor, outsider, agent = self.login(o.rep_a1), self.login(o.rep_b), self.login(o.agent_a)
		self.assertEqual(self.resource(successor, "Contact", contact).status_code, 403)  # not theirs yet
		self.assertEqual(self.resource(agent, "Contact", contact).status_code, 200)  # serves division A
		self.assertEqual(
			self.put(agent, f"/api/resource/Contact/{contact}", {"last_name": "X"}).status_code, 403
		)

		manager = self.login(o.mgr_a)
		response = self.insert(
			manager,
			"CRM Customer Transfer",
			from_user=o.rep_a2,
			to_user=o.rep_a1,
			transfer_date=today(),
			reason="left",
			docstatus=1,
		)
		self.assertEqual(response.status_code, 200, response.text[:400])
		self.assertEqual(self.fresh().get_value(CUSTOMER, o.c_a2, "account_manager"), o.rep_a1)

		for doctype, name in (("Contact", contact), ("Address", address)):
			self.assertEqual(self.resource(successor, doctype, name).status_code, 200, doctype)
			response = self.put(
				successor,
				f"/api/resource/{doctype}/{name}",
				{
					"phone" if doctype == "Address" else "last_name": "13900000000"
					if doctype == "Address"
					else "Li"
				},
			)
			self.assertEqual(response.status_code, 200, f"{doctype}: {response.text[:300]}")
			self.assertEqual(self.resource(outsider, doctype, name).status_code, 403, doctype)
			listed = self.resource(outsider, doctype, fields=["name"], limit_page_length=0)
			self.assertNotIn(name, {r["name"] for r in listed.json["data"]}, doctype)
			listed = self.resource(successor, doctype, fields=["name"], limit_page_length=0)
			self.assertIn(name, {r["name"] for r in listed.json["data"]}, doctype)
		# The customer's form shows the contact to its new rep.
		response = self.call(
			successor, "frappe.desk.form.load.getdoc", http="GET", doctype=CUSTOMER, name=o.c_a2
		)
		self.assertEqual(response.status_code, 200, response.text[:600])
		onload = response.json["docs"][0]["__onload"]
		self.assertIn(contact, {c["name"] for c in onload["contact_list"]}, response.text[:3000])

	def test_a_rep_cannot_link_a_contact_to_another_divisions_customer(self):
		o = self.org
		outsider = self.login(o.rep_b)
		response = self.insert(
			outsider, "Contact", first_name="Spy", links=[{"link_doctype": CUSTOMER, "link_name": o.c_a2}]
		)
		self.assertEqual(response.status_code, 403, response.text[:300])
