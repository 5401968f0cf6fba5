"""Stored text, round 3 (issue 21): the holes the attacker found in the guard, walked as the rep over
HTTP and read back from the database. File addresses (Attach, Attach Image) hold a plain address; mail
recipient lists keep bare addresses; tag and Kanban board names keep no quote or angle bracket; a
plain text field keeps no tag at all, and an HTML field none that restyles or reshapes the page. Each
test failed on int at 84f2c15 (see docs/SECURITY.md)."""

import frappe
from frappe.utils import random_string

from crm_plus.domain import markup
from crm_plus.tests.http import HTTPTestCase
from crm_plus.tests.utils import remove_tags_and_boards

# Tags Frappe's sanitizer keeps that restyle the page or reshape it (a stylesheet, a login form).
PAGE = (
	'<link rel="stylesheet" href="//e.example/a.css">'
	"<style>body{display:none}</style>"
	'<form action="//e.example/login"><input type="password" name="pwd"><button>Sign in</button></form>'
	'<meta http-equiv="refresh" content="0;url=//e.example">'
)


class TestStoredTextRound3(HTTPTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.user_before = frappe.db.get_value(
			"User", cls.org.rep_a1, ["user_image", "banner_image", "time_zone"], as_dict=True
		)
		cls.addClassCleanup(cls._restore)

	@classmethod
	def _restore(cls):
		frappe.db.rollback()
		frappe.db.set_value("User", cls.org.rep_a1, dict(cls.user_before), update_modified=False)
		remove_tags_and_boards("R3")
		frappe.db.commit()

	def ok(self, response):
		self.assertEqual(response.status_code, 200, response.text[:600])
		return response.json

	def refused(self, response):
		self.assertEqual(response.status_code, 417, response.text[:600])

	# ------------------------------------------------------------------ file addresses
	def test_a_file_address_holds_a_plain_address_only(self):
		"""The rep's own banner and a contact's photo (Attach Image) and a contract's document (Attach)
		were stored with markup or a quote that ends the attribute frappe.get_avatar writes."""
		rep = self.login(self.org.rep_a1)
		for value in (
			"/files/a.png')\"><img src=x onerror=alert(1)>",
			"/files/a.png&#39;);x:expression(alert(1))",
			"javascript:alert(1)",
			"/files/a onerror=alert(1).png",
		):
			self.refused(self.set_value(rep, "User", self.org.rep_a1, "banner_image", value))
			self.refused(self.insert(rep, "Contact", first_name=f"Photo {random_string(6)}", image=value))
			self.refused(
				self.insert(rep, "CRM Contract", customer=self.org.c_a1, title="r3", attachment=value)
			)
		self.assertFalse(self.fresh().get_value("User", self.org.rep_a1, "banner_image"))
		# A file of the site, spaces and Chinese in its name, and a web address are accepted.
		for value in ("/files/合同 2026 (1).png", "https://example.com/a.png?s=200&d=404"):
			self.ok(self.set_value(rep, "User", self.org.rep_a1, "banner_image", value))
			self.assertEqual(self.fresh().get_value("User", self.org.rep_a1, "banner_image"), value)

	def test_an_autocomplete_field_keeps_no_markup(self):
		rep = self.login(self.org.rep_a1)
		self.set_value(rep, "User", self.org.rep_a1, "time_zone", "&lt;img src=x onerror=alert(1)&gt;")
		stored = self.fresh().get_value("User", self.org.rep_a1, "time_zone") or ""
		self.assertNotRegex(markup.decode_entities(stored), r"<[a-zA-Z]", stored)

	# ------------------------------------------------------------------ mail recipients
	def test_a_messages_recipients_keep_bare_addresses(self):
		"""Communication's recipients, cc and bcc (Code fields) were stored with display names carrying
		markup or an attribute breakout, as a mail's headers or the composer wrote them."""
		hostile = (
			'"x" onmouseover="alert(1)" <b@example.com>, &lt;img src=x onerror=alert(1)&gt; <c@example.com>'
		)
		doc = frappe.get_doc(
			{
				"doctype": "Communication",
				"communication_type": "Communication",
				"communication_medium": "Email",
				"sent_or_received": "Received",
				"subject": f"r3 {random_string(6)}",
				"sender": "a@example.com",
				"recipients": hostile,
				"cc": hostile,
				"bcc": hostile,
				"content": "hello",
			}
		).insert(ignore_permissions=True)
		self.addCleanup(lambda: (frappe.db.delete("Communication", {"name": doc.name}), frappe.db.commit()))
		stored = frappe.db.get_value("Communication", doc.name, ["recipients", "cc", "bcc"], as_dict=True)
		for field, value in stored.items():
			self.assertEqual(value, "b@example.com, c@example.com", field)

	# ------------------------------------------------------------------ names the desk puts in attributes
	def test_tag_names_keep_no_quote_or_angle_bracket_in_any_form(self):
		rep = self.login(self.org.rep_a1)
		for tag in ('R3" onmouseover="alert(103)', "R3&quot; onmouseover=&quot;alert(1)", "R3<b>x</b>"):
			self.refused(self.add_tag(rep, tag, "CRM Customer", self.org.c_a1))
			self.refused(
				self.call(
					rep,
					"frappe.desk.doctype.tag.tag.add_tags",
					tags=[tag],
					dt="CRM Customer",
					docs=[self.org.c_a1],
				)
			)
		tags = self.fresh().get_value("CRM Customer", self.org.c_a1, "_user_tags") or ""
		self.assertNotRegex(tags, r"[\"'<>]|&quot;|&lt;", tags)
		self.assertFalse(frappe.get_all("Tag", {"name": ("like", "R3%")}))
		# An ordinary tag is added.
		self.ok(self.add_tag(rep, "R3 重点 A&B", "CRM Customer", self.org.c_a1))
		self.assertIn("R3 重点 A&B", self.fresh().get_value("CRM Customer", self.org.c_a1, "_user_tags"))

	def test_kanban_board_names_keep_no_quote_or_angle_bracket(self):
		rep = self.login(self.org.mgr_a)
		for board in ('R3 " onmouseover="alert(1)', "R3 &#34; onmouseover=&#34;alert(1)", "R3 <svg>"):
			self.refused(
				self.call(
					rep,
					"frappe.desk.doctype.kanban_board.kanban_board.quick_kanban_board",
					doctype="CRM Lead",
					board_name=board,
					field_name="status",
				)
			)
		self.assertFalse(self.fresh().get_all("Kanban Board", {"name": ("like", "R3%")}))
		self.ok(
			self.call(
				rep,
				"frappe.desk.doctype.kanban_board.kanban_board.quick_kanban_board",
				doctype="CRM Lead",
				board_name=f"R3 Leads {random_string(4)}",
				field_name="status",
			)
		)

	# ------------------------------------------------------------------ tags kept by the sanitizer
	def test_a_plain_field_keeps_no_tag_and_an_html_field_none_that_reshapes_the_page(self):
		"""Frappe's sanitizer keeps <link>, <style>, <form>, <input>, <button> and <meta>: written directly
		or entity-encoded into a plain field they were stored as live tags."""
		agent = self.login(self.org.agent_a)
		encoded = PAGE.replace("<", "&lt;").replace(">", "&gt;")
		name = self.ok(
			self.file_complaint(
				agent,
				description="<p>Order <b>42</b></p>" + PAGE,
				resolution="Sent again " + PAGE,
				root_cause="Stock " + encoded,
			)
		)["data"]["name"]
		self.created("CRM Complaint", name)
		stored = self.fresh().get_value(
			"CRM Complaint", name, ["description", "resolution", "root_cause"], as_dict=True
		)
		for field in ("resolution", "root_cause"):
			self.assertNotRegex(markup.decode_entities(stored[field]), r"<[a-zA-Z!/?]", stored[field])
		self.assertTrue(stored.resolution.startswith("Sent again"), stored.resolution)
		self.assertEqual(markup.page_markup(stored.description), [], stored.description)
		self.assertIn("<b>42</b>", stored.description)
		for tag in ("link", "style", "form", "input", "button", "meta"):
			self.assertNotRegex(stored.description, rf"(?i)<{tag}\b", stored.description)
		self.assertEqual(markup.executable_markup(stored.description, rich=True), [], stored.description)
