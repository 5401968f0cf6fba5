"""Isolation through framework methods and objects the app does not own (found by an attacker who
did not read the tests): link search asked to ignore permissions, file pointers, message relinking,
link titles, plans and rows written on their own, contact rows, history, likes and tags, teams.
Each test performs the attack over HTTP as rep_b (division B) or agent_a (reads division A)."""

import base64

import frappe
from frappe.utils import today

from crm_plus.tests.http import HTTPTestCase, refused
from crm_plus.tests.names import CUSTOMER
from crm_plus.tests.utils import add_key_person, make_contact


class TestFrameworkIsolation(HTTPTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		o = cls.org
		cls.key_person = add_key_person(
			o.c_a1, "Marker Wang", "13912345678", customer_kind="Individual", mobile="13800138001"
		)
		cls.secret = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"secret-{o.suffix}.txt",
				"content": b"top secret terms",
				"is_private": 1,
				"attached_to_doctype": CUSTOMER,
				"attached_to_name": o.c_a1,
			}
		).insert(ignore_permissions=True)
		cls.contact = make_contact(
			o.c_a1, f"Marker {o.suffix}", email=f"marker-{o.suffix}@example.com", phone="13700001111"
		)
		cls.message = frappe.get_doc(
			{
				"doctype": "Communication",
				"communication_type": "Communication",
				"subject": "Marker subject",
				"content": "Marker secret body",
				"reference_doctype": CUSTOMER,
				"reference_name": o.c_a1,
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		cls.markers = [
			f"A1 Customer {o.suffix}",
			"13912345678",
			"13800138001",
			"13700001111",
			"Marker secret",
		]

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		for doctype, name in (
			("File", cls.secret.name),
			("Contact", cls.contact.name),
			("Communication", cls.message.name),
		):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	def setUp(self):
		super().setUp()
		self.rep = self.login(self.org.rep_b)

	def assert_no_marker(self, response, what):
		for marker in self.markers:
			self.assertNotIn(marker, response.get_data(as_text=True), what)

	def test_link_search_cannot_be_told_to_ignore_permissions(self):
		for endpoint in ("frappe.desk.search.search_widget", "frappe.desk.search.search_link"):
			for doctype in (CUSTOMER, "Contact", "Communication", "File"):
				args = {"doctype": doctype, "txt": "", "ignore_user_permissions": 1, "page_length": 500}
				if endpoint.endswith("widget"):
					args |= {"as_dict": 1, "filter_fields": ["name"]}
				response = self.call(self.rep, endpoint, **args)
				self.assertIn(response.status_code, (200, 403), response.text[:300])
				self.assert_no_marker(response, f"{endpoint} {doctype}")
				self.assertNotIn(self.org.c_a1, response.get_data(as_text=True), f"{endpoint} {doctype}")

	def test_a_new_file_record_cannot_point_at_another_divisions_private_file(self):
		url = self.secret.file_url
		self.assertEqual(self.get(self.rep, url).status_code, 403)
		response = self.call(
			self.rep,
			"frappe.client.insert",
			doc={"doctype": "File", "file_url": url, "is_private": 1, "file_name": "x.txt"},
		)
		self.assertTrue(refused(response), response.text[:300])
		response = self.call(
			self.rep,
			"frappe.utils.file_manager.add_attachments",
			doctype=CUSTOMER,
			name=self.org.c_b,
			attachments=[self.secret.name],
		)
		self.assertNotEqual(response.status_code, 200)
		download = self.get(self.rep, url)
		self.assertEqual(download.status_code, 403)
		self.assertNotIn("top secret", download.get_data(as_text=True))

	def test_messages_cannot_be_relinked_to_your_own_record(self):
		response = self.call(
			self.rep,
			"frappe.email.relink",
			name=self.message.name,
			reference_doctype=CUSTOMER,
			reference_name=self.org.c_b,
		)
		self.assertTrue(refused(response))
		self.assertEqual(
			self.fresh().get_value("Communication", self.message.name, "reference_name"), self.org.c_a1
		)

	def test_link_titles_of_unreadable_records_are_not_given(self):
		response = self.call(
			self.rep, "frappe.desk.search.get_link_title", doctype=CUSTOMER, docname=self.org.c_a1
		)
		self.assert_no_marker(response, "get_link_title")
		own = self.call(self.rep, "frappe.desk.search.get_link_title", doctype=CUSTOMER, docname=self.org.c_b)
		self.assertEqual(own.status_code, 200)

	def test_a_plan_for_someone_else_or_with_another_divisions_customers_is_refused(self):
		o = self.org
		for rep in ("Administrator", o.rep_a1):
			response = self.call(
				self.rep,
				"frappe.client.insert",
				doc={
					"doctype": "CRM Visit Plan",
					"sales_rep": rep,
					"period_type": "Month",
					"period_start": today(),
					"items": [{"customer": o.c_a1, "planned_date": today()}],
				},
			)
			self.assertTrue(refused(response), response.text[:300])
			self.assert_no_marker(response, "plan")

	def test_rows_cannot_be_written_on_their_own_or_taken_from_another_record(self):
		o = self.org
		response = self.insert(
			self.rep,
			"CRM Customer Key Person",
			parent=o.c_a1,
			parenttype=CUSTOMER,
			parentfield="key_people",
			person_name="Injected",
		)
		self.assertNotEqual(response.status_code, 200, response.text[:300])
		row = self.resource(self.rep, "CRM Customer Key Person", self.key_person)
		self.assertTrue(refused(row), row.text[:300])
		response = self.put(
			self.rep,
			f"/api/resource/{CUSTOMER}/{o.c_b}",
			{"key_people": [{"name": self.key_person, "person_name": "Hijacked"}]},
		)
		self.assertTrue(refused(response), response.text[:300])
		row = self.fresh().get_value(
			"CRM Customer Key Person", self.key_person, ["parent", "person_name"], as_dict=True
		)
		self.assertEqual((row.parent, row.person_name), (o.c_a1, "Marker Wang"))
		self.assertFalse(self.fresh().exists("CRM Customer Key Person", {"person_name": "Injected"}))

	def test_contact_rows_and_numbers_follow_the_contact(self):
		for child in ("Contact Phone", "Contact Email", "Dynamic Link"):
			response = self.call(
				self.rep,
				"frappe.client.get_list",
				doctype=child,
				parent="Contact",
				fields=["*"],
				limit_page_length=0,
			)
			self.assertIn(response.status_code, (200, 403))
			self.assert_no_marker(response, child)
			self.assertNotIn(self.contact.name, response.get_data(as_text=True), child)
		response = self.call(
			self.rep,
			"frappe.core.doctype.sms_settings.sms_settings.get_contact_number",
			contact_name=self.contact.name,
			ref_doctype=CUSTOMER,
			ref_name=self.org.c_a1,
		)
		self.assert_no_marker(response, "get_contact_number")
		response = self.call(
			self.rep,
			"frappe.client.insert",
			doc={
				"doctype": "Event",
				"subject": "x",
				"starts_on": f"{today()} 10:00:00",
				"event_participants": [{"reference_doctype": CUSTOMER, "reference_docname": self.org.c_a1}],
			},
		)
		self.assertTrue(refused(response), response.text[:300])

	def test_hidden_fields_cannot_be_probed_by_filters_or_read_from_history(self):
		o = self.org
		agent = self.login(o.agent_a)
		for endpoint in (
			"frappe.client.get_list",
			"frappe.desk.reportview.get_count",
			"frappe.desk.reportview.get",
		):
			response = self.call(
				agent, endpoint, doctype=CUSTOMER, filters={"mobile": ["like", "138%"]}, fields=["name"]
			)
			self.assertTrue(refused(response), f"{endpoint}: {response.text[:200]}")
		frappe.db.rollback()
		customer = frappe.get_doc(CUSTOMER, o.c_a1)
		customer.mobile = "13800138002"
		customer.flags.ignore_permissions = True
		customer.save(ignore_version=False)
		frappe.db.commit()
		response = self.call(agent, "frappe.desk.form.load.getdoc", http="GET", doctype=CUSTOMER, name=o.c_a1)
		self.assertEqual(response.status_code, 200, response.text[:300])
		self.assertNotIn("13800138002", response.get_data(as_text=True))
		self.assertNotIn("13800138001", response.get_data(as_text=True))

	def test_writes_onto_another_divisions_customer_are_refused(self):
		o = self.org
		response = self.call(
			self.rep,
			"frappe.client.insert",
			doc={
				"doctype": "Address",
				"address_line1": "x",
				"city": "y",
				"country": "China",
				"links": [{"link_doctype": CUSTOMER, "link_name": o.c_a1}],
			},
		)
		self.assertTrue(refused(response))
		response = self.call(
			self.rep,
			"frappe.client.attach_file",
			doctype=CUSTOMER,
			docname=o.c_a1,
			filename="x.txt",
			filedata=base64.b64encode(b"x").decode(),
			decode_base64=1,
		)
		self.assertTrue(refused(response), response.text[:300])
		self.assertTrue(
			refused(
				self.call(self.rep, "frappe.desk.like.toggle_like", doctype=CUSTOMER, name=o.c_a1, add="Yes")
			)
		)
		response = self.call(
			self.rep,
			"frappe.client.insert",
			doc={"doctype": "ToDo", "status": "Closed", "allocated_to": o.rep_b, "description": "x"}
			| {"reference_type": CUSTOMER, "reference_name": o.c_a1},
		)
		self.assertTrue(refused(response))
		response = self.put(self.rep, f"/api/resource/{CUSTOMER}/{o.c_b}", {"sales_team": o.team_a1})
		self.assertTrue(refused(response), response.text[:300])
		self.assertEqual(self.fresh().get_value(CUSTOMER, o.c_b, "sales_team"), o.team_b)

	def test_files_attached_to_the_apps_records_are_private(self):
		owner = self.login(self.org.rep_a1)
		response = self.call(
			owner,
			"frappe.client.attach_file",
			doctype=CUSTOMER,
			docname=self.org.c_a1,
			filename="brochure.txt",
			filedata=base64.b64encode(b"public brochure").decode(),
			decode_base64=1,
			is_private=0,
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		self.assertEqual(response.json["message"]["is_private"], 1)
		listed = self.resource(self.rep, "File", fields=["name", "attached_to_name"], limit_page_length=0)
		self.assertNotIn(self.org.c_a1, {r["attached_to_name"] for r in listed.json["data"]})

	# ---------------------------------------------------------------- second attack round
	def test_following_getting_next_or_the_default_address_of_an_unreadable_record_is_refused(self):
		o = self.org
		response = self.put(self.rep, f"/api/resource/User/{o.rep_b}", {"document_follow_notify": 1})
		self.assertEqual(response.status_code, 200, response.text[:300])
		response = self.call(
			self.rep,
			"frappe.desk.form.document_follow.follow_document",
			doctype=CUSTOMER,
			doc_name=o.c_a1,
			user=o.rep_b,
		)
		self.assertTrue(refused(response), response.text[:300])
		self.assertFalse(self.fresh().exists("Document Follow", {"ref_docname": o.c_a1, "user": o.rep_b}))
		response = self.call(
			self.rep,
			"frappe.desk.form.utils.get_next",
			doctype=CUSTOMER,
			value=o.c_a1,
			prev=0,
			sort_field="annual_revenue",
			sort_order="desc",
		)
		self.assertTrue(refused(response), response.text[:300])
		response = self.call(
			self.rep,
			"frappe.contacts.doctype.address.address.get_default_address",
			doctype=CUSTOMER,
			name=o.c_a1,
		)
		self.assertTrue(refused(response), response.text[:300])
		frappe.db.rollback()
		frappe.db.set_value(CUSTOMER, o.c_a1, "_user_tags", ",marker-tag")
		frappe.db.commit()
		response = self.call(
			self.rep, "frappe.desk.doctype.tag.tag.get_tagged_docs", doctype=CUSTOMER, tag="%marker%"
		)
		self.assertNotIn(o.c_a1, response.get_data(as_text=True))

	def test_a_refused_file_pointer_does_not_name_the_record_holding_the_file(self):
		response = self.call(
			self.rep,
			"frappe.client.insert",
			doc={"doctype": "File", "file_url": self.secret.file_url, "is_private": 1, "file_name": "y.txt"},
		)
		self.assertTrue(refused(response))
		self.assertNotIn(self.org.c_a1, response.get_data(as_text=True))

	# ---------------------------------------------------------------- third attack round
	def test_a_closed_todo_cannot_be_repointed_at_an_unreadable_record(self):
		o = self.org
		response = self.insert(
			self.rep,
			"ToDo",
			description="p",
			allocated_to=o.rep_b,
			status="Closed",
			reference_type=CUSTOMER,
			reference_name=o.c_b,
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		todo = response.json["data"]["name"]
		response = self.put(self.rep, f"/api/resource/ToDo/{todo}", {"reference_name": o.c_a1})
		self.assertTrue(refused(response), response.text[:300])
		response = self.call(self.rep, "frappe.desk.form.load.getdoc", http="GET", doctype="ToDo", name=todo)
		self.assert_no_marker(response, "the ToDo's link titles")

	def test_kanban_order_cannot_probe_unreadable_cards(self):
		o = self.org
		board = f"probe {o.suffix}"
		response = self.call(
			self.rep,
			"frappe.desk.doctype.kanban_board.kanban_board.quick_kanban_board",
			doctype=CUSTOMER,
			board_name=board,
			field_name="status",
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		for guess in ("Potential", "Repeat", "First Purchase"):
			response = self.call(
				self.rep,
				"frappe.desk.doctype.kanban_board.kanban_board.update_order",
				board_name=board,
				order={guess: [o.c_a1]},
			)
			self.assertTrue(refused(response), f"{guess}: {response.status_code}")

	def test_kanban_order_on_a_board_that_does_not_exist(self):
		"""Refused as a board the user may not read, with no "not found" that tells the two apart."""
		response = self.call(
			self.rep,
			"frappe.desk.doctype.kanban_board.kanban_board.update_order",
			board_name=f"no such board {self.org.suffix}",
			order={"Potential": [self.org.c_b]},
		)
		self.assertTrue(refused(response), f"{response.status_code}: {response.text[:300]}")
		self.assertNotIn("not found", response.text.lower())

	def test_records_go_only_where_their_user_may_put_them(self):
		o = self.org
		for values in (
			{"account_manager": o.rep_a1},  # handed to another division's rep
			{"account_manager": o.rep_b, "division": o.div_a},  # dropped into another division
		):
			name = f"Plant {o.suffix} {len(values)}"
			response = self.insert(
				self.rep, CUSTOMER, customer_name=name, customer_kind="Enterprise", **values
			)
			self.assertTrue(refused(response), f"{values}: {response.text[:300]}")
		manager = self.login(o.mgr_a)
		response = self.put(manager, f"/api/resource/{CUSTOMER}/{o.c_a1}", {"account_manager": o.rep_b})
		self.assertTrue(refused(response), response.text[:300])
		self.assertEqual(self.fresh().get_value(CUSTOMER, o.c_a1, "account_manager"), o.rep_a1)

	def test_document_methods_act_on_the_stored_record(self):
		o = self.org
		owner = self.login(o.rep_a1)
		doc = self.resource(owner, CUSTOMER, o.c_a1).json["data"]
		self.assertEqual(doc["disabled"], 0)
		events = self.fresh().count("CRM Customer Event", {"customer": o.c_a1, "event_type": "Restored"})
		response = self.call(
			owner, "run_doc_method", method="restore", docs=doc | {"disabled": 1}, args={"reason": "x"}
		)
		self.assertEqual(response.status_code, 417, response.text[:300])  # "is not deactivated"
		self.assertEqual(
			self.fresh().count("CRM Customer Event", {"customer": o.c_a1, "event_type": "Restored"}), events
		)

	def test_connection_counts_cover_only_readable_records(self):
		o = self.org
		owner = self.login(o.rep_a1)
		response = self.call(
			owner,
			"frappe.desk.notifications.get_open_count",
			doctype=CUSTOMER,
			name=o.c_a1,
			items=["CRM Visit"],
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		found = response.json["message"]["count"]["external_links_found"]
		counts = {c["doctype"]: c["count"] for c in found}
		listed = self.call(
			owner, "frappe.client.get_count", doctype="CRM Visit", filters={"customer": o.c_a1}
		)
		self.assertEqual(counts.get("CRM Visit", 0), listed.json["message"])
		response = self.call(
			self.rep, "frappe.desk.notifications.get_open_count", doctype=CUSTOMER, name=o.c_a1
		)
		self.assertTrue(refused(response))
