"""Attacks of round 3 on the stored-text guard (issue 21), the placement default (issue 22) and the
framework seam, as the attacker walks them over HTTP. Each test fails on the code it was written
against (branch int at bf829e5); see docs/SECURITY.md."""

import json

import frappe
from frappe.tests.test_api import make_request

from crm_plus.tests.http import HTTPTestCase
from crm_plus.tests.names import IMG
from crm_plus.tests.utils import remove_tags_and_boards


class TestAttacksRound3(HTTPTestCase):
	def tearDown(self):
		frappe.db.rollback()
		frappe.set_user("Administrator")
		# The org's users are kept across runs: undo what the attacks wrote on them.
		frappe.db.set_value(
			"User", self.org.rep_a1, {"user_image": None, "banner_image": None, "time_zone": None}
		)
		remove_tags_and_boards("ATK3")
		frappe.db.commit()
		super().tearDown()

	def assertNoHandler(self, value):
		self.assertNotRegex(str(value or ""), r"(?i)on[a-z]{3,}\s*=", value)

	# ---------------------------------------------------------------- field types the guard skips
	def test_attach_field_keeps_no_markup(self):
		"""An Attach field is shown with jQuery .html(value) by the desk's attach control: markup stored
		there runs when a manager opens the record (checked in Chromium: alert on opening the contract)."""
		rep = self.login(self.org.rep_a1)
		response = self.insert(rep, "CRM Contract", customer=self.org.c_a1, title="atk3", attachment=IMG)
		if response.status_code == 200:
			self.assertNoHandler(
				self.fresh().get_value("CRM Contract", response.json["data"]["name"], "attachment")
			)

	def test_user_image_keeps_no_attribute_breakout(self):
		"""frappe.get_avatar puts user_image into a single-quoted style attribute through innerHTML: a
		rep's own avatar ran script in the manager's desk (checked in Chromium on the customer form)."""
		rep = self.login(self.org.rep_a1)
		self.set_value(rep, "User", self.org.rep_a1, "user_image", "/files/a.png\")'>" + IMG)
		self.assertNoHandler(self.fresh().get_value("User", self.org.rep_a1, "user_image"))

	def test_autocomplete_field_json_quoted_markup(self):
		"""User.time_zone is an Autocomplete field: a JSON string literal passes Frappe's sanitizer."""
		rep = self.login(self.org.rep_a1)
		self.set_value(rep, "User", self.org.rep_a1, "time_zone", json.dumps(IMG))
		self.assertNoHandler(self.fresh().get_value("User", self.org.rep_a1, "time_zone"))

	# ---------------------------------------------------------------- names the guard never sees
	def test_tag_name_keeps_no_attribute_breakout(self):
		"""The list view writes a tag into title="${tag}" unescaped (checked in Chromium: hovering the tag
		in the manager's customer list ran the handler)."""
		rep = self.login(self.org.rep_a1)
		self.add_tag(rep, 'ATK3" onmouseover="alert(1)', "CRM Customer", self.org.c_a1)
		self.assertNoHandler(self.fresh().get_value("CRM Customer", self.org.c_a1, "_user_tags"))

	def test_kanban_board_name_keeps_no_attribute_breakout(self):
		"""A shared board's name goes into the sidebar's href="${route}" unescaped."""
		rep = self.login(self.org.rep_a1)
		self.call(
			rep,
			"frappe.desk.doctype.kanban_board.kanban_board.quick_kanban_board",
			doctype="CRM Lead",
			board_name='ATK3 " onmouseover="alert(1)',
			field_name="status",
		)
		for name in self.fresh().get_all("Kanban Board", {"name": ("like", "ATK3%")}, pluck="name"):
			self.assertNoHandler(name)

	# ---------------------------------------------------------------- the guard makes markup of text
	def test_guest_entity_text_is_not_decoded_into_live_tags(self):
		"""The public form strips tags from the name and subject; the guard then decodes the escaped text
		a guest typed into real tags (a stylesheet link and a password form were stored)."""
		guest = self.login("Guest")
		text = "&lt;img src=x onerror=1&gt;&lt;link rel=stylesheet href=//e.example/a.css&gt;"
		response = make_request(
			guest.post,
			("/api/method/crm_plus.crm_complaints.public_form.submit_complaint",),
			{
				"data": {
					"full_name": "Atk " + text,
					"subject": "Order " + text,
					"description": "hello",
					"email": "atk3-guest@example.com",
					"phone": "13800000000",
				},
				"headers": {"X-Forwarded-For": "10.203.7.9"},
			},
		)
		self.assertEqual(response.status_code, 200, response.text)
		name = response.json["message"].get("complaint")
		self.assertTrue(name, response.text)
		self.created("CRM Complaint", name)
		stored = self.fresh().get_value("CRM Complaint", name, ["raised_by_name", "subject"], as_dict=True)
		for value in stored.values():
			self.assertNotIn("<link", value)
			self.assertNotIn("<img", value)

	# ---------------------------------------------------------------- the request guard's seam
	def test_runserverobj_runs_on_the_stored_document(self):
		"""`runserverobj` is Frappe's alias of run_doc_method: the guard turned only `run_doc_method`'s
		posted document into one by name, so deactivate saved the client's copy with server fields."""
		rep = self.login(self.org.rep_a1)
		doc = self.resource(rep, "CRM Customer", self.org.c_a1).json["data"]
		doc.update({"total_sales": 9999999, "grade_locked": 1, "transaction_count": 500})
		self.post(
			rep,
			"/api/method/runserverobj",
			{"docs": json.dumps(doc), "method": "deactivate", "args": json.dumps({"reason": "atk3"})},
		)
		stored = self.fresh().get_value(
			"CRM Customer", self.org.c_a1, ["total_sales", "grade_locked", "transaction_count"], as_dict=True
		)
		self.assertNotEqual(stored.total_sales, 9999999)
		self.assertFalse(stored.grade_locked)
		self.assertNotEqual(stored.transaction_count, 500)

	# ---------------------------------------------------------------- placement (issue 22)
	def test_rep_cannot_hide_a_customer_from_the_manager_by_clearing_its_team(self):
		"""The default fills the team only on insert or a change of owner: an update that clears the team
		and the division hid the rep's customer from the manager, the division head and the agents."""
		rep, manager = self.login(self.org.rep_a1), self.login(self.org.mgr_a)
		self.assertEqual(self.resource(manager, "CRM Customer", self.org.c_a1).status_code, 200)
		self.put(rep, f"/api/resource/CRM Customer/{self.org.c_a1}", {"sales_team": "", "division": ""})
		self.assertEqual(self.resource(manager, "CRM Customer", self.org.c_a1).status_code, 200)
