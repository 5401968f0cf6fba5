"""CRM Visit on a real site: check-in distance, planning, the next visit, permissions and transfer walked
over HTTP by the rep and the manager (the visit jobs: crm_plus/tests/test_visits.py)."""

import frappe
from frappe.utils import add_days, add_to_date, getdate, now_datetime, today

from crm_plus.tests.http import HTTPTestCase
from crm_plus.tests.names import VISIT

# 苏宁电器's office (seed 002's 河北大街1号) put at a point in Qinhuangdao; about 1.1 km east is elsewhere.
SHOP = (39.9354, 119.6005)
NEAR = (39.9356, 119.6007)
FAR = (39.9354, 119.6135)


def visit_fields(customer, rep, start=None, **fields):
	start = start or add_to_date(now_datetime(), hours=2)
	return {
		"customer": customer,
		"sales_rep": rep,
		"planned_start": str(start),
		"planned_end": str(add_to_date(start, hours=1)),
		**fields,
	}


class TestVisitJourneys(HTTPTestCase):
	"""A rep plans visits, checks in and out from the phone, a manager hands them over: over HTTP."""

	SETTINGS = {"check_in_distance": 500, "max_position_accuracy": 1000}

	def press_at(self, client, visit: str, method: str, place: tuple, accuracy: int, **fields):
		"""The visit's Check In or Check Out button (`method`) pressed at `place` (latitude, longitude)
		with a position `accuracy` metres good, as `client`: the answer."""
		return self.run_method(
			client, VISIT, visit, method, latitude=place[0], longitude=place[1], accuracy=accuracy, **fields
		)

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.db.set_value("CRM Customer", cls.org.c_a1, {"latitude": SHOP[0], "longitude": SHOP[1]})
		cls.settings_before = {
			f: frappe.db.get_single_value("CRM Plus Settings", f, cache=False) for f in cls.SETTINGS
		}
		for field, value in cls.SETTINGS.items():
			frappe.db.set_single_value("CRM Plus Settings", field, value)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		for field, value in cls.settings_before.items():
			frappe.db.set_single_value("CRM Plus Settings", field, value)
		frappe.db.commit()
		super().tearDownClass()

	def plan_visit(self, client, customer, rep, **fields):
		response = self.insert(client, VISIT, **visit_fields(customer, rep, **fields))
		self.assertEqual(response.status_code, 200, response.text[:400])
		return response.json["data"]["name"]

	def test_a_rep_checks_in_near_the_customer_and_checks_out(self):
		o = self.org
		rep = self.login(o.rep_a1)
		visit = self.plan_visit(rep, o.c_a1, o.rep_a1)
		self.assertEqual(self.fresh().get_value(VISIT, visit, "status"), "Planned")
		# Another division's rep cannot check in on it.
		response = self.press_at(self.login(o.rep_b), visit, "check_in", NEAR, 20)
		self.assertEqual(response.status_code, 403, response.text[:300])
		self.assertEqual(self.fresh().get_value(VISIT, visit, "status"), "Planned")

		response = self.press_at(rep, visit, "check_in", NEAR, 20)
		self.assertEqual(response.status_code, 200, response.text[:400])
		self.assertLess(response.json["message"]["distance"], 50)
		stored = self.fresh().get_value(
			VISIT, visit, ["status", "check_in_at", "check_in_code", "check_in_accuracy"], as_dict=True
		)
		self.assertEqual(stored.status, "Checked In")
		self.assertTrue(stored.check_in_at)
		self.assertEqual(stored.check_in_accuracy, 20)
		response = self.press_at(
			rep, visit, "check_out", NEAR, 20, outcome="Signed the 2027 framework contract"
		)
		self.assertEqual(response.status_code, 200, response.text[:400])
		stored = self.fresh().get_value(VISIT, visit, ["status", "check_out_at", "outcome"], as_dict=True)
		self.assertEqual((stored.status, stored.outcome), ("Completed", "Signed the 2027 framework contract"))
		self.assertTrue(stored.check_out_at)

	def test_a_far_check_in_needs_a_reason(self):
		o = self.org
		rep = self.login(o.rep_a1)
		visit = self.plan_visit(rep, o.c_a1, o.rep_a1)
		response = self.press_at(rep, visit, "check_in", FAR, 15)
		self.assertEqual(response.status_code, 417, response.text[:300])
		self.assertIn("500", response.text)
		self.assertEqual(self.fresh().get_value(VISIT, visit, "status"), "Planned")
		response = self.press_at(rep, visit, "check_in", FAR, 15, reason="Met at their new warehouse")
		self.assertEqual(response.status_code, 200, response.text[:400])
		stored = self.fresh().get_value(
			VISIT, visit, ["status", "check_in_code", "check_in_distance", "check_in_reason"], as_dict=True
		)
		self.assertEqual(
			(stored.status, stored.check_in_code, stored.check_in_reason),
			("Checked In", "far_with_reason", "Met at their new warehouse"),
		)
		self.assertGreater(stored.check_in_distance, 1000)

	def test_bad_input_from_the_rep_is_refused(self):
		o = self.org
		rep = self.login(o.rep_a1)
		start = add_to_date(now_datetime(), days=1)
		before = self.fresh().count(VISIT, {"customer": o.c_a1})
		response = self.insert(
			rep,
			VISIT,
			**visit_fields(o.c_a1, o.rep_a1, start=start, planned_end=str(add_to_date(start, hours=-1))),
		)
		self.assertEqual(response.status_code, 417, response.text[:300])
		self.assertIn("before the planned start", response.text)
		self.assertEqual(self.fresh().count(VISIT, {"customer": o.c_a1}), before)
		visit = self.plan_visit(rep, o.c_a1, o.rep_a1)
		response = self.run_method(rep, VISIT, visit, "check_in", latitude=95, longitude=10, accuracy=5)
		self.assertEqual(response.status_code, 417, response.text[:300])
		self.assertIn("latitude must be between", response.text)
		# Checked in by hand, without a position, or checked out before checking in.
		response = self.put(rep, f"/api/resource/{VISIT}/{visit}", {"status": "Checked In"})
		self.assertEqual(response.status_code, 417, response.text[:300])
		self.assertIn("Use the Check In button", response.text)
		response = self.run_method(rep, VISIT, visit, "check_out")
		self.assertEqual(response.status_code, 417, response.text[:300])
		self.assertIn("Check in before checking out", response.text)
		self.assertEqual(self.fresh().get_value(VISIT, visit, ["status", "check_in_at"]), ("Planned", None))
		# A rep of another division cannot plan a visit to a customer of division A.
		response = self.insert(self.login(o.rep_b), VISIT, **visit_fields(o.c_a1, o.rep_b))
		self.assertEqual(response.status_code, 403, response.text[:300])
		self.assertEqual(self.fresh().count(VISIT, {"customer": o.c_a1, "sales_rep": o.rep_b}), 0)

	def test_completing_a_visit_plans_the_next_one(self):
		o = self.org
		rep = self.login(o.rep_a1)
		visit = self.plan_visit(rep, o.c_a1, o.rep_a1, visit_type="Phone", next_visit_in_days=14)
		response = self.put(rep, f"/api/resource/{VISIT}/{visit}", {"status": "Completed"})
		self.assertEqual(response.status_code, 200, response.text[:400])
		db = self.fresh()
		nxt = db.get_value(VISIT, visit, "next_visit")
		self.assertTrue(nxt)
		stored = db.get_value(
			VISIT,
			nxt,
			["customer", "previous_visit", "status", "visit_type", "sales_rep", "planned_start"],
			as_dict=True,
		)
		self.assertEqual(
			(stored.customer, stored.previous_visit, stored.status, stored.visit_type, stored.sales_rep),
			(o.c_a1, visit, "Planned", "Phone", o.rep_a1),
		)
		planned = db.get_value(VISIT, visit, "planned_start")
		self.assertEqual(getdate(stored.planned_start), getdate(add_days(planned, 14)))
		# The rep sees the new visit in their list.
		listed = self.resource(rep, VISIT, fields=["name"], limit_page_length=0)
		self.assertIn(nxt, {r["name"] for r in listed.json["data"]})

	def test_a_manager_hands_the_open_visits_of_a_departing_rep_over(self):
		o = self.org
		departing = self.login(o.rep_a2)
		open_visit = self.plan_visit(departing, o.c_a2, o.rep_a2)
		done = self.plan_visit(departing, o.c_a2, o.rep_a2)
		self.assertEqual(
			self.put(departing, f"/api/resource/{VISIT}/{done}", {"status": "Completed"}).status_code, 200
		)
		response = self.transfer(o.mgr_a, o.rep_a2, o.rep_a1, transfer_date=today())
		self.assertEqual(response.status_code, 200, response.text[:400])
		db = self.fresh()
		self.assertEqual(db.get_value(VISIT, open_visit, "sales_rep"), o.rep_a1)
		self.assertEqual(db.get_value(VISIT, done, "sales_rep"), o.rep_a2)
		moved = response.json["data"]["moved"]
		self.assertEqual(
			{m["reference_doctype"]: m["records_moved"] for m in moved},
			{VISIT: 1, "CRM Complaint": 0, "CRM Contract": 0},  # open contracts follow their customer
		)
		# The successor now checks in on it; the departed rep no longer reads it.
		self.assertEqual(self.resource(self.login(o.rep_a1), VISIT, open_visit).status_code, 200)
		self.assertEqual(self.resource(departing, VISIT, open_visit).status_code, 403)

	def test_a_rep_cannot_plan_a_visit_to_a_deactivated_customer_nor_store_a_bad_location(self):
		o = self.org
		rep = self.login(o.rep_b)
		visits = self.fresh().count(VISIT, {"customer": o.c_b})
		frappe.db.set_value("CRM Customer", o.c_b, "disabled", 1)
		frappe.db.commit()
		try:
			response = self.insert(rep, VISIT, **visit_fields(o.c_b, o.rep_b))
			self.assertEqual(response.status_code, 417, response.text[:300])
			self.assertIn("deactivated", response.text)
		finally:
			frappe.db.set_value("CRM Customer", o.c_b, "disabled", 0)
			frappe.db.commit()
		self.assertEqual(self.fresh().count(VISIT, {"customer": o.c_b}), visits)
		before = self.fresh().get_value("CRM Customer", o.c_b, ["latitude", "longitude"])
		response = self.put(rep, f"/api/resource/CRM Customer/{o.c_b}", {"latitude": 91, "longitude": 0})
		self.assertEqual(response.status_code, 417, response.text[:300])
		self.assertEqual(self.fresh().get_value("CRM Customer", o.c_b, ["latitude", "longitude"]), before)

	def test_a_marker_on_the_map_sets_the_customer_location(self):
		o = self.org
		location = (
			'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
			'"geometry": {"type": "Point", "coordinates": [119.6005, 39.9354]}}]}'
		)
		response = self.put(
			self.login(o.rep_b), f"/api/resource/CRM Customer/{o.c_b}", {"location_map": location}
		)
		self.assertEqual(response.status_code, 200, response.text[:400])
		self.assertEqual(self.fresh().get_value("CRM Customer", o.c_b, ["latitude", "longitude"]), SHOP)

	def test_visits_follow_customer_permissions(self):
		o = self.org
		mine = self.plan_visit(self.login(o.rep_a1), o.c_a1, o.rep_a1)
		theirs = self.plan_visit(self.login(o.rep_b), o.c_b, o.rep_b)

		self.assert_listed(VISIT, {o.rep_a1: {mine}, o.mgr_a: {mine}, o.mgr_b: {theirs}})
		self.assertEqual(self.resource(self.login(o.rep_a1), VISIT, theirs).status_code, 403)
		self.assertEqual(self.resource(self.login(o.mgr_b), VISIT, mine).status_code, 403)
