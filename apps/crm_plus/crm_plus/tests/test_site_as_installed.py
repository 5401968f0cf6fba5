"""A site made the README's way (`scripts/bench-get-app.sh`, which runs `bench get-app --skip-assets`,
then `install-app`), on its first day: every asset the app's pages include is served, and amounts are
in the company's currency (issue 22)."""

import glob
import os
import re
import shutil
import tempfile

import frappe
from frappe.app import application
from frappe.tests.test_api import make_request
from werkzeug.middleware.shared_data import SharedDataMiddleware
from werkzeug.test import Client

from crm_plus.install import after_install, ensure_assets_link, ensure_currency, setup_wizard_complete
from crm_plus.tests.utils import CRMTestCase

ASSET = re.compile(r"""["'](/assets/crm_plus/[^"'?#]+)""")


def included_assets() -> set[str]:
	"""Every `/assets/crm_plus/...` the app's hooks (app_include_*, web_include_*) and its www pages and
	templates include."""
	found = set()
	for hook in ("app_include_js", "app_include_css", "web_include_js", "web_include_css"):
		found |= {path for path in frappe.get_hooks(hook, app_name="crm_plus") if "/crm_plus/" in path}
	app = frappe.get_app_path("crm_plus")
	for pattern in ("www/**/*.html", "www/**/*.py", "templates/**/*.html"):
		for path in glob.glob(os.path.join(app, pattern), recursive=True):
			with open(path, encoding="utf-8") as f:
				found |= set(ASSET.findall(f.read()))
	return found


class TestAssetsServed(CRMTestCase):
	"""As the bench serves `/assets` (`bench serve`'s SharedDataMiddleware over sites/assets; nginx
	serves the same folder): a bench whose get-app skipped the build has no `assets/crm_plus`; the
	install (and every migrate) links it."""

	def setUp(self):
		super().setUp()
		self.assets = tempfile.mkdtemp(prefix="crm_plus_assets_")
		self.addCleanup(shutil.rmtree, self.assets, ignore_errors=True)
		self.client = Client(SharedDataMiddleware(application, {"/assets": self.assets}))

	def status(self, path: str) -> int:
		# In a thread of its own and buffered, as the site's requests run: closing the response ends the
		# request (frappe.local destroyed), which must not happen in the test's own thread.
		return make_request(self.client.get, (path,), {"buffered": True}).status_code

	def test_the_pages_include_the_apps_scripts(self):
		self.assertLessEqual(
			{"/assets/crm_plus/js/public_post.js", "/assets/crm_plus/js/datetime_seconds.js"},
			included_assets(),
		)

	def test_every_included_asset_answers_200_once_the_app_is_installed(self):
		assets = included_assets()
		# What `bench get-app --skip-assets` leaves: no assets/crm_plus, every script a 404.
		self.assertEqual({path: self.status(path) for path in assets}, dict.fromkeys(assets, 404))
		self.assertTrue(ensure_assets_link(self.assets))
		self.assertEqual({path: self.status(path) for path in assets}, dict.fromkeys(assets, 200))
		# A link (or a build's folder) already there is left alone.
		self.assertIsNone(ensure_assets_link(self.assets))

	def test_a_broken_link_is_replaced(self):
		os.symlink(os.path.join(self.assets, "gone"), os.path.join(self.assets, "crm_plus"))
		self.assertTrue(ensure_assets_link(self.assets))
		self.assertEqual(self.status("/assets/crm_plus/js/public_post.js"), 200)

	def test_the_bench_serves_them(self):
		"""This bench's own sites/assets, as its web server sees it."""
		self.client = Client(
			SharedDataMiddleware(application, {"/assets": os.path.join(frappe.local.sites_path, "assets")})
		)
		ensure_assets_link()
		assets = included_assets()
		self.assertEqual({path: self.status(path) for path in assets}, dict.fromkeys(assets, 200))


class TestCompanyCurrency(CRMTestCase):
	"""Amounts in the company's currency: the site's default currency, set on install and migrate from
	the setup wizard's choice, else CNY."""

	def setUp(self):
		super().setUp()
		self.saved = frappe.db.get_default("currency")
		self.saved_currency = frappe.db.get_value("Currency", "CNY", ["enabled", "symbol"], as_dict=True)

	def tearDown(self):
		frappe.db.rollback()
		frappe.db.set_value("Currency", "CNY", self.saved_currency, update_modified=False)
		frappe.db.set_default("currency", self.saved)
		frappe.db.commit()
		super().tearDown()

	def amount(self, doctype="CRM Opportunity", fieldname="expected_amount", value=1234.5) -> str:
		df = frappe.get_meta(doctype).get_field(fieldname)
		return frappe.format_value(value, df, frappe.new_doc(doctype))

	def test_after_install_amounts_are_in_yuan(self):
		after_install()
		self.assertEqual(frappe.db.get_default("currency"), "CNY")
		self.assertEqual(frappe.db.get_value("Currency", "CNY", ["enabled", "symbol"]), (1, "¥"))
		self.assertEqual(self.amount(), "¥ 1,234.50")

	def test_a_site_without_a_currency_gets_one_on_migrate(self):
		frappe.db.sql("delete from `tabDefaultValue` where parent = '__default' and defkey = 'currency'")
		frappe.db.set_value("Currency", "CNY", {"enabled": 0, "symbol": None}, update_modified=False)
		frappe.clear_cache()
		self.assertFalse(frappe.db.get_default("currency"))
		ensure_currency()
		self.assertEqual(frappe.db.get_default("currency"), "CNY")
		self.assertEqual(frappe.db.get_value("Currency", "CNY", ["enabled", "symbol"]), (1, "¥"))

	def test_every_amount_of_the_app_shows_the_currency(self):
		ensure_currency()
		doctypes = frappe.get_all("DocType", {"module": ("like", "CRM%"), "istable": 0}, pluck="name")
		fields = [
			(doctype, df.fieldname)
			for doctype in doctypes
			for df in frappe.get_meta(doctype).fields
			if df.fieldtype == "Currency"
		]
		self.assertGreater(len(fields), 8)
		for doctype, fieldname in fields:
			self.assertIn("¥", self.amount(doctype, fieldname), f"{doctype}.{fieldname}")

	def test_the_setup_wizards_choice_is_kept(self):
		setup_wizard_complete({"currency": "USD", "country": "United States"})
		self.assertEqual(frappe.db.get_default("currency"), "USD")
		self.assertEqual(self.amount(), "$ 1,234.50")
		# A later migrate keeps it.
		ensure_currency()
		self.assertEqual(frappe.db.get_default("currency"), "USD")
