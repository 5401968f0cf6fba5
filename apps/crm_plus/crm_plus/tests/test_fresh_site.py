"""A site made the README's way (`bench new-site ... --install-app crm_plus`, no setup wizard): the desk
formats are in place and a rep's desk shows datetimes with their seconds, so forms open clean.

The browser side (a visit opened clean, `17:40:32` and not `17:40:ss`, Check In) is walked in
tests/browser/checkin.test.mjs; here: what the install guarantees on the server and what the desk
sends a rep."""

import frappe

from crm_plus.install import DESK_FORMATS, after_install, after_migrate
from crm_plus.tests.http import HTTPTestCase

SHIM = "crm_plus_seconds"


class TestDeskFormats(HTTPTestCase):
	make_org = False

	def setUp(self):
		super().setUp()
		self.saved = {f: frappe.db.get_value("System Settings", None, f) for f in DESK_FORMATS}
		self.saved_defaults = {f: frappe.db.get_default(f) for f in DESK_FORMATS}

	def tearDown(self):
		frappe.db.rollback()
		for fieldname, value in self.saved.items():
			frappe.db.set_single_value("System Settings", fieldname, value)
			frappe.db.set_default(fieldname, self.saved_defaults[fieldname])
		frappe.db.commit()
		frappe.cache.delete_value("system_settings")
		super().tearDown()

	def forget(self, *fieldnames):
		"""A site whose System Settings never got these formats (and whose desk defaults lack them)."""
		for fieldname in fieldnames:
			frappe.db.set_single_value("System Settings", fieldname, None)
			frappe.db.sql(
				"delete from `tabDefaultValue` where parent = '__default' and defkey = %s", fieldname
			)
		frappe.clear_cache()
		self.assertFalse(frappe.db.get_default("time_format"))

	def assertFormats(self, expected: dict):
		frappe.clear_cache()
		for fieldname, value in expected.items():
			self.assertEqual(frappe.db.get_value("System Settings", None, fieldname), value, fieldname)
			# what the desk reads (frappe.boot.sysdefaults)
			self.assertEqual(frappe.defaults.get_defaults().get(fieldname), value, fieldname)

	def test_missing_formats_are_filled_on_migrate(self):
		self.forget(*DESK_FORMATS)
		after_migrate()
		self.assertFormats(
			{
				"time_format": "HH:mm:ss",
				"date_format": "yyyy-mm-dd",
				"number_format": "#,###.##",
				"first_day_of_the_week": "Sunday",
			}
		)

	def test_missing_formats_are_filled_on_install(self):
		self.forget("time_format", "date_format")
		after_install()
		self.assertFormats({"time_format": "HH:mm:ss", "date_format": "yyyy-mm-dd"})

	def test_an_admins_formats_are_kept_and_reach_the_desk(self):
		# Written straight to the table (as a script or the browser fixture does): the desk defaults
		# still hold the old values until the app puts them in step.
		frappe.db.set_single_value(
			"System Settings",
			{"time_format": "HH:mm", "date_format": "dd.mm.yyyy", "first_day_of_the_week": "Monday"},
		)
		after_migrate()
		after_migrate()
		self.assertFormats(
			{"time_format": "HH:mm", "date_format": "dd.mm.yyyy", "first_day_of_the_week": "Monday"}
		)


class TestDeskSeconds(HTTPTestCase):
	"""The rep's desk carries the date picker's seconds, on every page and in the visit form."""

	def test_every_desk_page_loads_the_seconds(self):
		rep = self.login(self.org.rep_a1)
		page = self.get(rep, "/app/crm-visit")
		self.assertEqual(page.status_code, 200)
		self.assertTrue(
			"/assets/crm_plus/js/datetime_seconds.js" in page.text, "no seconds script on the desk"
		)

	def test_the_visit_form_script_teaches_the_picker_seconds(self):
		rep = self.login(self.org.rep_a1)
		response = self.call(rep, "frappe.desk.form.load.getdoctype", http="GET", doctype="CRM Visit")
		self.assertEqual(response.status_code, 200, response.text)
		script = next(d for d in response.json["docs"] if d["name"] == "CRM Visit")["__js"]
		self.assertTrue(SHIM in script, "the visit form script lacks the seconds")
		self.assertNotIn("{% include", script)
		with open(frappe.get_app_path("crm_plus", "public", "js", "datetime_seconds.js")) as f:
			self.assertIn(f.read().strip(), script)
