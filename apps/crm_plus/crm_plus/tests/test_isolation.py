"""Isolation against a user who tries (issue: "close every way around the data permissions").

Each test performs one attack over HTTP, logged in as the attacker: `rep_b`, a sales rep of
division B, against the records of division A (and `agent_a`, who only reads division A). Each
attack worked on the code before the fix; each assertion states what the attacker gets now.
"""

import frappe
from frappe.utils import add_to_date, now_datetime, today

from crm_plus.tests.http import HTTPTestCase, refused
from crm_plus.tests.names import CUSTOMER
from crm_plus.tests.utils import add_complaint, add_key_person, make_transaction, make_visit


class TestIsolation(HTTPTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		o = cls.org
		add_key_person(o.c_a1, "Wang Secret", "13800000001")
		cls.complaint = add_complaint(o.c_a1, "Late", "Late")
		cls.complaint.append("forwards", {"department": "Logistics", "forwarded_to": o.rep_a1})
		cls.complaint.append("escalations", {"level": 1, "escalated_to": o.head_a, "reason": "Breach"})
		cls.complaint.save(ignore_permissions=True)
		cls.visit = make_visit(o.c_a1, o.rep_a1)
		cls.plan = frappe.get_doc(
			{
				"doctype": "CRM Visit Plan",
				"sales_rep": o.rep_a1,
				"period_type": "Month",
				"period_start": today(),
				"items": [{"customer": o.c_a1, "planned_date": today(), "visit_type": "On-site"}],
			}
		).insert(ignore_permissions=True)
		cls.sale_a = make_transaction(o.c_a1, 500).name
		cls.sale_b = make_transaction(o.c_b, 300).name
		cls.file = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"contract-{o.suffix}.txt",
				"content": b"secret terms",
				"is_private": 1,
				"attached_to_doctype": CUSTOMER,
				"attached_to_name": o.c_a1,
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.delete("File", {"name": cls.file.name})
		frappe.db.delete("CRM Visit Plan Item", {"parent": cls.plan.name})
		frappe.db.delete("CRM Visit Plan", {"name": cls.plan.name})
		frappe.db.delete("ToDo", {"reference_name": ("in", [cls.complaint.name, cls.visit.name])})
		super().tearDownClass()

	def setUp(self):
		super().setUp()
		self.rep = self.login(self.org.rep_b)

	# ---------------------------------------------------------------- counts
	def test_a_raw_sql_count_filter_is_refused(self):
		for filters in (
			["1=1 or 1=1"],
			["(select count(*) from `tabUser`)>0 or 1=1"],
			[["name", "like", "%' or 1=1 -- %"]],
		):
			response = self.call(self.rep, "frappe.client.get_count", doctype=CUSTOMER, filters=filters)
			if response.status_code == 200:
				self.assertEqual(response.json["message"], 0, filters)
			else:
				self.assertTrue(refused(response), (filters, response.status_code, response.text[:300]))
		own = self.call(self.rep, "frappe.client.get_count", doctype=CUSTOMER)
		self.assertEqual(own.json["message"], frappe.db.count(CUSTOMER, {"account_manager": self.org.rep_b}))

	def test_counting_records_the_user_cannot_read_is_refused(self):
		for doctype in ("Version", "Comment", "DocShare", "Access Log"):
			response = self.call(self.rep, "frappe.client.get_count", doctype=doctype)
			self.assertTrue(refused(response), (doctype, response.status_code))

	def test_sidebar_counts_with_a_percent_in_a_filter_count_only_readable_records(self):
		frappe.get_doc(
			{"doctype": "ToDo", "allocated_to": self.org.rep_a1, "reference_type": CUSTOMER}
			| {"reference_name": self.org.c_a1, "description": "call"}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		for filters in ([["customer_name", "like", "%"]], [["customer_name", "like", "%s%%'"]]):
			response = self.call(
				self.rep,
				"frappe.desk.listview.get_group_by_count",
				doctype=CUSTOMER,
				current_filters=filters,
				field="assigned_to",
			)
			self.assertEqual(response.status_code, 200, response.text[:500])
			self.assertNotIn(self.org.rep_a1, {r["name"] for r in response.json["message"]})
		sidebar = self.call(
			self.rep,
			"frappe.desk.listview.get_group_by_count",
			doctype=CUSTOMER,
			current_filters=["1=1"],
			field="assigned_to",
		)
		self.assertTrue(refused(sidebar))

	# ---------------------------------------------------------------- assignments
	def assign_myself(self, doctype: str, name: str):
		"""rep_b enters a ToDo that assigns them a record, over REST: the answer."""
		return self.insert(
			self.rep,
			"ToDo",
			allocated_to=self.org.rep_b,
			reference_type=doctype,
			reference_name=name,
			description="mine now",
		)

	def test_assigning_yourself_a_customer_grants_nothing(self):
		o = self.org
		response = self.assign_myself(CUSTOMER, o.c_a1)
		self.assertTrue(refused(response), response.text[:300])
		self.assertEqual(self.resource(self.rep, CUSTOMER, o.c_a1).status_code, 403)
		response = self.call(
			self.rep, "frappe.desk.form.assign_to.add", doctype=CUSTOMER, name=o.c_a1, assign_to=[o.rep_b]
		)
		self.assertTrue(refused(response))
		self.assertEqual(self.resource(self.rep, CUSTOMER, o.c_a1).status_code, 403)

	def test_assigning_yourself_a_complaint_does_not_make_you_its_handler(self):
		response = self.assign_myself("CRM Complaint", self.complaint.name)
		self.assertTrue(refused(response))
		self.assertFalse(self.fresh().get_value("CRM Complaint", self.complaint.name, "handler"))
		self.assertEqual(self.resource(self.rep, "CRM Complaint", self.complaint.name).status_code, 403)

	def test_read_only_service_staff_cannot_grant_themselves_write(self):
		o = self.org
		agent = self.login(o.agent_a)
		self.assertEqual(self.resource(agent, CUSTOMER, o.c_a1).status_code, 200)  # reads it
		response = self.call(
			agent, "frappe.desk.form.assign_to.add", doctype=CUSTOMER, name=o.c_a1, assign_to=[o.agent_a]
		)
		self.assertTrue(refused(response))
		response = self.put(agent, f"/api/resource/{CUSTOMER}/{o.c_a1}", {"notes": "mine now"})
		self.assertTrue(refused(response))

	def test_reopening_or_repointing_your_own_todo_is_judged_like_a_new_one(self):
		o = self.org
		todo = frappe.get_doc(
			{"doctype": "ToDo", "allocated_to": o.rep_b, "reference_type": CUSTOMER, "reference_name": o.c_b}
			| {"description": "follow up"}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		response = self.put(self.rep, f"/api/resource/ToDo/{todo.name}", {"reference_name": o.c_a1})
		self.assertTrue(refused(response))
		self.assertEqual(self.resource(self.rep, CUSTOMER, o.c_a1).status_code, 403)
		frappe.db.delete("ToDo", {"name": todo.name})
		frappe.db.commit()

	# ---------------------------------------------------------------- files
	def test_files_of_another_divisions_customer_are_not_listed(self):
		response = self.resource(
			self.rep,
			"File",
			fields=["name", "file_name", "attached_to_doctype", "attached_to_name"],
			filters=[["attached_to_doctype", "=", CUSTOMER]],
			limit_page_length=0,
		)
		self.assertEqual(response.status_code, 200)
		self.assertNotIn(self.org.c_a1, {r["attached_to_name"] for r in response.json["data"]})
		owner = self.login(self.org.rep_a1)
		mine = self.resource(
			owner, "File", fields=["name"], filters=[["attached_to_name", "=", self.org.c_a1]]
		)
		self.assertIn(self.file.name, {r["name"] for r in mine.json["data"]})

	# ---------------------------------------------------------------- edits judged on the stored row
	def test_pointing_another_teams_record_at_yourself_is_refused(self):
		o = self.org
		for doctype, name, field in (
			("CRM Complaint", self.complaint.name, "handler"),
			("CRM Visit", self.visit.name, "sales_rep"),
			("CRM Visit Plan", self.plan.name, "approver"),
		):
			before = self.fresh().get_value(doctype, name, field)
			response = self.set_value(self.rep, doctype, name, field, o.rep_b)
			self.assertTrue(refused(response), (doctype, response.status_code))
			response = self.put(self.rep, f"/api/resource/{doctype}/{name}", {field: o.rep_b})
			self.assertTrue(refused(response), (doctype, response.status_code))
			self.assertEqual(self.fresh().get_value(doctype, name, field), before, doctype)

	def test_moving_a_transaction_between_customers_needs_both(self):
		o = self.org
		# Another division's sale pointed at my customer: judged on the stored customer.
		response = self.put(
			self.rep, f"/api/resource/CRM Customer Transaction/{self.sale_a}", {"customer": o.c_b}
		)
		self.assertTrue(refused(response))
		# My sale pointed at another division's customer: needs write on that customer too.
		response = self.put(
			self.rep, f"/api/resource/CRM Customer Transaction/{self.sale_b}", {"customer": o.c_a1}
		)
		self.assertTrue(refused(response))
		self.assertEqual(self.fresh().get_value("CRM Customer Transaction", self.sale_a, "customer"), o.c_a1)
		self.assertEqual(self.fresh().get_value("CRM Customer Transaction", self.sale_b, "customer"), o.c_b)

	def test_deleting_another_teams_record_is_refused(self):
		response = self.delete(self.rep, f"/api/resource/CRM Visit/{self.visit.name}")
		self.assertTrue(refused(response))
		self.assertTrue(self.fresh().exists("CRM Visit", self.visit.name))

	# ---------------------------------------------------------------- child tables
	def test_child_rows_follow_their_parents_rule(self):
		o = self.org
		for child, parent, field in (
			("CRM Customer Key Person", CUSTOMER, "phone"),
			("CRM Visit Plan Item", "CRM Visit Plan", "customer"),
			("CRM Complaint Forward", "CRM Complaint", "forwarded_to"),
			("CRM Complaint Escalation", "CRM Complaint", "escalated_to"),
		):
			self.assertTrue(
				frappe.db.count(child, {"parent": ("in", [o.c_a1, self.plan.name, self.complaint.name])})
			)
			response = self.call(
				self.rep,
				"frappe.client.get_list",
				doctype=child,
				parent=parent,
				fields=["parent", field],
				limit_page_length=0,
			)
			if response.status_code == 200:
				parents = {r["parent"] for r in response.json["message"]}
				self.assertFalse(parents & {o.c_a1, self.plan.name, self.complaint.name}, child)
			else:
				self.assertTrue(refused(response), child)
		owner = self.login(o.rep_a1)
		response = self.call(
			owner,
			"frappe.client.get_list",
			doctype="CRM Customer Key Person",
			parent=CUSTOMER,
			fields=["parent", "phone"],
		)
		self.assertIn(o.c_a1, {r["parent"] for r in response.json["message"]})

	# ---------------------------------------------------------------- fields the server owns
	def test_fields_the_server_owns_ignore_what_the_client_sends(self):
		o = self.org
		owner = self.login(o.rep_a1)
		before = self.fresh().get_value(
			CUSTOMER, o.c_a1, ["grade", "grade_locked", "grade_score", "total_sales"], as_dict=True
		)
		response = self.put(
			owner,
			f"/api/resource/{CUSTOMER}/{o.c_a1}",
			{"grade": "VIP", "grade_locked": 1, "grade_score": 99, "total_sales": 1e9, "notes": "edited"},
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		after = self.fresh().get_value(
			CUSTOMER, o.c_a1, ["grade", "grade_locked", "grade_score", "total_sales", "notes"], as_dict=True
		)
		self.assertEqual(after.notes, "edited")
		for field in ("grade", "grade_locked", "grade_score", "total_sales"):
			self.assertEqual(after[field], before[field], field)

		response = self.insert(
			owner,
			"CRM Customer Transaction",
			customer=o.c_a1,
			amount=-50,
			is_return=1,
			posting_date=today(),
			sales_person=o.rep_b,
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		self.assertEqual(response.json["data"]["sales_person"], o.rep_a1)  # the account manager, not a rival

		response = self.put(
			owner,
			f"/api/resource/CRM Complaint/{self.complaint.name}",
			{"sla_status": "Met", "escalation_level": 0},
		)
		stored = self.fresh().get_value(
			"CRM Complaint", self.complaint.name, ["sla_status", "escalation_level"], as_dict=True
		)
		self.assertNotEqual(stored.sla_status, "Met")

	def test_check_in_facts_cannot_be_edited_after_check_in(self):
		o = self.org
		owner = self.login(o.rep_a1)
		visit = make_visit(o.c_a1, o.rep_a1, start=add_to_date(now_datetime(), hours=1))
		frappe.db.commit()
		response = self.run_method(owner, "CRM Visit", visit.name, "check_in", reason="no position")
		self.assertEqual(response.status_code, 200, response.text[:500])
		checked = self.fresh().get_value(
			"CRM Visit", visit.name, ["check_in_distance", "check_in_reason", "check_in_at"], as_dict=True
		)
		response = self.put(
			owner,
			f"/api/resource/CRM Visit/{visit.name}",
			{"check_in_distance": 0, "check_in_reason": "was there", "check_in_at": "2020-01-01 09:00:00"},
		)
		now = self.fresh().get_value(
			"CRM Visit", visit.name, ["check_in_distance", "check_in_reason", "check_in_at"], as_dict=True
		)
		self.assertEqual(now, checked)
		frappe.db.delete("CRM Visit", {"name": visit.name})
		frappe.db.commit()

	# ---------------------------------------------------------------- what errors reveal
	def test_the_duplicate_check_does_not_name_another_divisions_customer(self):
		o = self.org
		name = self.fresh().get_value(CUSTOMER, o.c_a1, "customer_name")
		response = self.insert(
			self.rep, CUSTOMER, customer_name=name, customer_kind="Enterprise", account_manager=o.rep_b
		)
		self.assertEqual(response.status_code, 409, response.text[:300])
		self.assertNotIn(o.c_a1, response.text)
		self.assertIn("another team", response.text)
		mine = self.insert(
			self.login(o.rep_a2),
			CUSTOMER,
			customer_name=self.fresh().get_value(CUSTOMER, o.c_a2, "customer_name"),
			customer_kind="Enterprise",
			account_manager=o.rep_a2,
		)
		self.assertIn(o.c_a2, mine.text)  # your own duplicate is named, so you can open it

	# ---------------------------------------------------------------- performance data
	def test_sales_targets_of_another_division_are_not_readable(self):
		o = self.org
		target = frappe.get_doc(
			{
				"doctype": "CRM Sales Target",
				"sales_rep": o.rep_a1,
				"from_date": today(),
				"to_date": today(),
				"target_amount": 123456,
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		listed = self.resource(
			self.rep, "CRM Sales Target", fields=["name", "sales_rep"], limit_page_length=0
		)
		self.assertEqual(listed.status_code, 200)
		self.assertNotIn(o.rep_a1, {r["sales_rep"] for r in listed.json["data"]})
		self.assertTrue(refused(self.resource(self.rep, "CRM Sales Target", target.name)))
		manager = self.login(o.mgr_a)
		self.assertEqual(self.resource(manager, "CRM Sales Target", target.name).status_code, 200)
		frappe.db.delete("CRM Sales Target", {"name": target.name})
		frappe.db.commit()
