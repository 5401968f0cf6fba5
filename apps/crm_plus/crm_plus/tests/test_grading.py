"""Grading on a real site: suggestion on insert, regrade on transactions, nightly set-based regrade,
manual override, history and downgrade alerts."""

import json
from unittest.mock import patch

import frappe
from frappe.model.document import Document
from frappe.utils import add_days, getdate, today

from crm_plus.crm_customers.grading import (
	FORMULA_FAILED_TITLE,
	nightly_regrade,
	regrade_customers,
	store_cut_points,
)
from crm_plus.domain.grading import score_above
from crm_plus.tests.http import HTTPTestCase
from crm_plus.tests.utils import OrgTestCase, make_customer, make_transaction, make_user


class TestGrading(OrgTestCase):
	def test_new_transactions_regrade_the_customer(self):
		doc = make_customer(account_manager=self.org.rep_a1, sales_team=self.org.team_a1)
		self.assertEqual(doc.grade, "Small")
		for days in (1, 20, 40, 60, 80, 100, 120, 150, 170, 200, 250, 300):
			make_transaction(doc.name, 120_000, posting_date=add_days(today(), -days), gross_profit=20_000)
		values = frappe.db.get_value(
			"CRM Customer", doc.name, ["grade", "r_score", "f_score", "m_score", "p_score"], as_dict=True
		)
		self.assertEqual((values.r_score, values.f_score, values.m_score, values.p_score), (5, 5, 5, 5))
		self.assertEqual(values.grade, "VIP")
		log = frappe.get_all(
			"CRM Customer Grade Log", {"customer": doc.name}, ["from_grade", "to_grade"], order_by="name asc"
		)
		self.assertEqual(log[-1].to_grade, "VIP")

	def test_nightly_regrade_is_set_based_and_idempotent(self):
		names = [make_customer(account_manager=self.org.rep_a1).name for _ in range(3)]
		for name in names:
			make_transaction(name, 60_000, gross_profit=12_000)
		# Spoil the stored grades behind the framework's back, as if the rules had changed overnight.
		frappe.db.sql(
			"update `tabCRM Customer` set grade = 'VIP', grade_score = 0 where name in %s", [tuple(names)]
		)

		saves = []
		original_save, original_db_update = Document.save, Document.db_update

		def counting_save(self, *args, **kwargs):
			if self.doctype == "CRM Customer":
				saves.append(self.name)
			return original_save(self, *args, **kwargs)

		def counting_db_update(self, *args, **kwargs):
			if self.doctype == "CRM Customer":
				saves.append(self.name)
			return original_db_update(self, *args, **kwargs)

		with (
			patch.object(Document, "save", counting_save),
			patch.object(Document, "db_update", counting_db_update),
		):
			first = nightly_regrade()
		self.assertEqual(saves, [], "the nightly regrade must not save customers one by one")
		self.assertGreaterEqual(first["changed"], 3)
		grades = set(frappe.get_all("CRM Customer", {"name": ("in", names)}, pluck="grade"))
		self.assertNotIn("VIP", grades)
		second = nightly_regrade()
		self.assertEqual(second["changed"], 0, "a second run changes nothing")

	def test_downgrade_of_a_key_customer_alerts_the_manager(self):
		doc = make_customer(account_manager=self.org.rep_a1, sales_team=self.org.team_a1)
		frappe.db.set_value("CRM Customer", doc.name, {"grade": "Key", "suggested_grade": "Key"})
		before = frappe.db.count("Notification Log", {"for_user": self.org.mgr_a, "document_name": doc.name})
		result = regrade_customers([doc.name])
		self.assertEqual(result["downgrades"], 1)
		self.assertEqual(
			frappe.db.count("Notification Log", {"for_user": self.org.mgr_a, "document_name": doc.name}),
			before + 1,
		)
		log = frappe.get_all(
			"CRM Customer Grade Log", {"customer": doc.name, "is_downgrade": 1}, ["from_grade", "to_grade"]
		)
		self.assertEqual([(row.from_grade, row.to_grade) for row in log], [("Key", "Small")])
		# Running again sends nothing more.
		regrade_customers([doc.name])
		self.assertEqual(
			frappe.db.count("Notification Log", {"for_user": self.org.mgr_a, "document_name": doc.name}),
			before + 1,
		)

	def test_bad_settings_are_refused(self):
		settings = frappe.get_single("CRM Plus Settings")
		settings.recency_thresholds = "30,20,10,5"
		with self.assertRaises(frappe.ValidationError) as ctx:
			settings.save()
		self.assertIn("increase", str(ctx.exception))
		settings.reload()
		settings.grade_formula = "__import__('os').system('true')"
		with self.assertRaises(frappe.ValidationError):
			settings.save()

	def test_admin_formula_is_used(self):
		settings = frappe.get_single("CRM Plus Settings")
		settings.grade_formula = "100 if purchases >= 1 else 0"
		settings.save()
		try:
			doc = make_customer()
			make_transaction(doc.name, 10)
			self.assertEqual(frappe.db.get_value("CRM Customer", doc.name, "grade"), "VIP")
		finally:
			settings.reload()
			settings.grade_formula = None
			settings.save()


def set_settings_behind_the_form(**values):
	"""As a formula saved before the settings checked it: straight into the database."""
	for field, value in values.items():
		frappe.db.set_single_value("CRM Plus Settings", field, value, update_modified=False)


class TestGradingFormulaNeverStopsGrading(OrgTestCase):
	def setUp(self):
		super().setUp()
		before = frappe.db.get_single_value("CRM Plus Settings", "grade_formula", cache=False)
		self.addCleanup(set_settings_behind_the_form, grade_formula=before)

	def formula_failures_logged(self) -> int:
		return frappe.db.count("Error Log", {"method": FORMULA_FAILED_TITLE})

	def test_a_formula_dividing_by_zero_for_some_customers_lets_the_regrade_finish(self):
		buyer = make_customer(account_manager=self.org.rep_a1).name
		make_transaction(buyer, 60_000, gross_profit=12_000)
		idle = [make_customer(account_manager=self.org.rep_a1).name for _ in range(3)]
		frappe.db.sql(
			"update `tabCRM Customer` set grade = 'Key', suggested_grade = 'Key', grade_score = 65.5 "
			"where name in %s",
			[tuple(idle)],
		)
		set_settings_behind_the_form(grade_formula="m * 20 / purchases")
		logged = self.formula_failures_logged()

		result = nightly_regrade()

		self.assertGreaterEqual(result["graded"], 4)
		self.assertEqual(self.formula_failures_logged(), logged + 1, "one log for the whole pass")
		log = frappe.get_last_doc("Error Log", {"method": FORMULA_FAILED_TITLE})
		self.assertIn("division_by_zero", log.error)
		self.assertIn(idle[0], log.error)
		for name in idle:
			values = frappe.db.get_value("CRM Customer", name, ["grade", "suggested_grade", "grade_score"])
			self.assertEqual(values, ("Key", "Key", 65.5), "a customer the formula fails for keeps its grade")
		m = frappe.db.get_value("CRM Customer", buyer, "m_score")
		self.assertEqual(frappe.db.get_value("CRM Customer", buyer, "grade_score"), m * 20)

	def test_saves_never_fail_because_of_the_formula(self):
		set_settings_behind_the_form(grade_formula="m * 20 / purchases")
		logged = self.formula_failures_logged()
		doc = make_customer(account_manager=self.org.rep_a1)  # no purchases: the formula divides by 0
		self.assertIsNone(doc.grade)
		self.assertEqual(self.formula_failures_logged(), logged + 1)

		make_transaction(doc.name, -500, is_return=1, gross_profit=0)  # still no purchase
		values = frappe.db.get_value(
			"CRM Customer", doc.name, ["transaction_count", "total_sales", "grade"], as_dict=True
		)
		self.assertEqual((values.transaction_count, values.total_sales, values.grade), (1, -500, None))

		make_transaction(doc.name, 300_000)  # one purchase: the formula works again
		self.assertEqual(frappe.db.get_value("CRM Customer", doc.name, "grade_score"), 80.0)
		self.assertEqual(frappe.db.get_value("CRM Customer", doc.name, "grade"), "VIP")

		doc.reload()
		doc.credit_factor = 0.8
		doc.save()  # a regrade on a factor change, too
		set_settings_behind_the_form(grade_formula="r in f")  # a formula that does not even parse
		doc.reload()
		doc.credit_factor = 0.4
		doc.save()
		self.assertEqual(frappe.db.get_value("CRM Customer", doc.name, "grade"), "VIP")

	def test_a_formula_failing_for_sample_values_is_refused_at_save(self):
		settings = frappe.get_single("CRM Plus Settings")
		for formula, message in [
			("m / f", "divides by zero"),
			("sales * 100000", "grows larger than"),
			("((9**8)**8)**8", "grows larger than"),
			("r in f", "`in` is not allowed"),
			("-" * 990 + "r", "nested more than"),
		]:
			settings.reload()
			settings.grade_formula = formula
			with self.assertRaises(frappe.ValidationError) as ctx:
				settings.save()
			self.assertIn(message, str(ctx.exception), formula)


class TestGradingSettingsOverHTTP(HTTPTestCase):
	make_org = False

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.admin = make_user("grading-crm-admin@test.example", ["CRM Admin"])
		frappe.db.commit()

	def test_a_crm_admin_cannot_save_a_formula_that_fails_for_some_customers(self):
		before = frappe.db.get_single_value("CRM Plus Settings", "grade_formula", cache=False)
		self.addCleanup(frappe.db.commit)
		self.addCleanup(set_settings_behind_the_form, grade_formula=before)
		client = self.login(self.admin)
		path = "/api/resource/CRM Plus Settings/CRM Plus Settings"
		for formula, message in [("m / purchases", "divides by zero"), ("r in f", "`in` is not allowed")]:
			response = self.put(client, path, {"grade_formula": formula})
			self.assertEqual(response.status_code, 417, response.text)
			self.assertIn(message, response.text)
		self.assertEqual(
			frappe.db.get_single_value("CRM Plus Settings", "grade_formula", cache=False), before
		)

		good = "m * 20 / max(purchases, 1)"
		response = self.put(client, path, {"grade_formula": good})
		self.assertEqual(response.status_code, 200, response.text)
		self.assertEqual(response.json["data"]["grade_formula"], good)


class TestQuantileGradingOfOneCustomer(OrgTestCase):
	CUTS = {"r": (-400, -200, -60, -10), "f": (0, 1, 3, 6), "m": (0, 1000, 5000, 20000), "p": (0, 1, 2, 3)}

	def setUp(self):
		super().setUp()
		settings = frappe.get_single("CRM Plus Settings")
		before = {f: settings.get(f) for f in ("scoring_method", "quantile_cut_points")}
		self.addCleanup(set_settings_behind_the_form, **before)
		self.window = settings.grading_window_days
		# Cut points left from an earlier time with quantiles; switching to them again drops these.
		set_settings_behind_the_form(scoring_method="Fixed Thresholds")
		store_cut_points(self.CUTS, self.window, add_days(getdate(), -100), 1)
		settings = frappe.get_single("CRM Plus Settings")
		settings.scoring_method = "Quantiles"
		settings.save()

	def stored(self) -> dict | None:
		text = frappe.db.get_single_value("CRM Plus Settings", "quantile_cut_points", cache=False)
		return json.loads(text) if text else None

	def others(self, but: str) -> dict:
		rows = frappe.get_all(
			"CRM Customer",
			{"name": ("!=", but)},
			["name", "graded_on", "grade", "grade_score", "r_score", "f_score", "m_score", "p_score"],
		)
		return {row.name: row for row in rows}

	def test_a_transaction_regrades_only_its_customer_against_the_stored_cut_points(self):
		store_cut_points(self.CUTS, self.window, getdate(), 1000)
		doc = make_customer(account_manager=self.org.rep_a1, sales_team=self.org.team_a1)
		# Every other customer carries a stale grade: a regrade of the whole book would rewrite it.
		frappe.db.sql(
			"update `tabCRM Customer` set grade_score = 12.34, graded_on = '2001-01-01 00:00:00' "
			"where name != %s",
			doc.name,
		)
		before = self.others(doc.name)
		self.assertGreaterEqual(len(before), 3)

		make_transaction(doc.name, 6000, posting_date=add_days(today(), -30), gross_profit=2)

		self.assertEqual(self.others(doc.name), before, "no other customer is touched")
		values = frappe.db.get_value(
			"CRM Customer", doc.name, ["r_score", "f_score", "m_score", "p_score"], as_dict=True
		)
		expected = {
			"r": score_above(-30, self.CUTS["r"]),
			"f": score_above(1, self.CUTS["f"]),
			"m": score_above(6000, self.CUTS["m"]),
			"p": score_above(2, self.CUTS["p"]),
		}
		self.assertEqual(expected, {"r": 4, "f": 2, "m": 4, "p": 3})
		self.assertEqual(
			(values.r_score, values.f_score, values.m_score, values.p_score), tuple(expected.values())
		)
		self.assertEqual(self.stored()["m"], list(self.CUTS["m"]), "the stored cut points stay")

	def test_without_stored_cut_points_the_first_save_computes_and_stores_them(self):
		self.assertIsNone(self.stored(), "switching to quantiles drops cut points of another method")
		doc = make_customer(account_manager=self.org.rep_a1)
		stored = self.stored()
		active = frappe.db.count("CRM Customer", {"disabled": 0})
		self.assertEqual((stored["customers"], stored["window_days"]), (active, self.window))
		self.assertEqual(len(stored["m"]), 4)
		# The next save uses them as they are: they are not computed again.
		store_cut_points(self.CUTS, self.window, getdate(), 1)
		make_transaction(doc.name, 6000, posting_date=add_days(today(), -30), gross_profit=2)
		self.assertEqual(frappe.db.get_value("CRM Customer", doc.name, "m_score"), 4)
		self.assertEqual(self.stored()["customers"], 1)

	def test_the_nightly_pass_refreshes_the_cut_points_and_a_stale_form_keeps_them(self):
		store_cut_points(self.CUTS, self.window, add_days(getdate(), -3), 1)
		form = frappe.get_single("CRM Plus Settings")
		result = nightly_regrade()
		stored = self.stored()
		self.assertEqual((stored["as_of"], stored["customers"]), (today(), result["graded"]))
		self.assertNotEqual(stored["m"], list(self.CUTS["m"]))
		form.reminder_days_ahead = 4
		form.save()  # the form still holds the cut points it was opened with
		self.assertEqual(self.stored(), stored)


OVERRIDE = "crm_plus.crm_customers.grading.override_grade"


class TestGradeOverrideJourneys(HTTPTestCase):
	"""A sales manager sets a customer's grade by hand from the form, over HTTP; reps and managers of
	another division cannot."""

	def grade_of(self, customer):
		return self.fresh().get_value(
			"CRM Customer",
			customer,
			["grade", "grade_locked", "grade_override_reason", "suggested_grade"],
			as_dict=True,
		)

	def test_the_manager_sets_a_grade_with_a_reason_and_it_survives_the_regrade(self):
		o = self.org
		before = self.grade_of(o.c_a1)
		for user in (o.rep_a1, o.mgr_b):
			response = self.call(self.login(user), OVERRIDE, customer=o.c_a1, grade="VIP", reason="mine")
			self.assertEqual(response.status_code, 403, f"{user}: {response.text[:300]}")
		manager = self.login(o.mgr_a)
		response = self.call(manager, OVERRIDE, customer=o.c_a1, grade="VIP", reason="  ")
		self.assertEqual(response.status_code, 417, response.text[:300])
		self.assertIn("Please give a reason for the manual grade", response.text)
		self.assertEqual(self.grade_of(o.c_a1), before)

		response = self.call(
			manager, OVERRIDE, customer=o.c_a1, grade="VIP", reason="Strategic account for 2027"
		)
		self.assertEqual(response.status_code, 200, response.text[:400])
		stored = self.grade_of(o.c_a1)
		self.assertEqual(
			(stored.grade, stored.grade_locked, stored.grade_override_reason),
			("VIP", 1, "Strategic account for 2027"),
		)
		log = frappe.get_all(
			"CRM Customer Grade Log",
			{"customer": o.c_a1, "source": "Manual"},
			["to_grade", "reason", "changed_by"],
		)
		self.assertEqual(
			[(row.to_grade, row.reason, row.changed_by) for row in log],
			[("VIP", "Strategic account for 2027", o.mgr_a)],
		)
		# The nightly regrade (server-side) keeps the manager's grade.
		regrade_customers([o.c_a1])
		values = frappe.db.get_value("CRM Customer", o.c_a1, ["grade", "suggested_grade"], as_dict=True)
		self.assertEqual((values.grade, values.suggested_grade), ("VIP", "Small"))
		frappe.db.rollback()

		# An empty grade gives the customer back to its scores.
		response = self.call(manager, OVERRIDE, customer=o.c_a1, grade="", reason="Back to the scores")
		self.assertEqual(response.status_code, 200, response.text[:400])
		stored = self.grade_of(o.c_a1)
		self.assertEqual((stored.grade, stored.grade_locked), (stored.suggested_grade, 0))

	def test_a_manager_raises_a_grading_factor_from_the_form(self):
		o = self.org
		before = self.fresh().get_value("CRM Customer", o.c_a2, "grade_score")
		response = self.put(
			self.login(o.mgr_a),
			f"/api/resource/CRM Customer/{o.c_a2}",
			{"credit_factor": 1.0, "strategic_factor": 0.8},
		)
		self.assertEqual(response.status_code, 200, response.text[:400])
		stored = self.fresh().get_value(
			"CRM Customer", o.c_a2, ["credit_factor", "strategic_factor", "grade_score"], as_dict=True
		)
		self.assertEqual((stored.credit_factor, stored.strategic_factor), (1.0, 0.8))
		self.assertGreater(stored.grade_score, before)
