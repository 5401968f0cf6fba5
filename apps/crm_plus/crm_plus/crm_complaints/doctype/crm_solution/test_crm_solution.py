"""The knowledge base walked by its actors over HTTP: a supervisor writes solutions, agents and sales
staff read the published ones, the complaint form suggests them by category, an agent answers a
complaint with one, and each solution counts its uses and the customers' average rating (given on the
public feedback page). A rep of another division and a guest read nothing through it."""

import frappe
from frappe.utils import add_days, now_datetime, random_string

from crm_plus.tests.complaints import committed_complaint
from crm_plus.tests.http import HTTPTestCase, refused
from crm_plus.tests.names import FEEDBACK_SUBMIT as SUBMIT
from crm_plus.tests.utils import division_supervisor

SUGGEST = "crm_plus.crm_complaints.doctype.crm_solution.crm_solution.suggest"
USE = "crm_plus.crm_complaints.doctype.crm_solution.crm_solution.use"


class TestSolutions(HTTPTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.supervisor = division_supervisor(cls.org.div_a)
		frappe.db.commit()

	def setUp(self):
		super().setUp()
		frappe.cache.delete_keys("rl:crm_plus.crm_complaints")
		frappe.cache.delete_keys("crm_plus:rl:")

	def write(self, title, category="Delivery Delay", published=1, **fields):
		response = self.insert(
			self.login(self.supervisor),
			"CRM Solution",
			title=f"{title} {random_string(5)}",
			category=category,
			product="Express parcel",
			published=published,
			problem="The parcel is late.",
			solution="<p>Refund the shipping fee and rebook with priority.</p>",
			**fields,
		)
		self.assertEqual(response.status_code, 200, response.text)
		return self.created("CRM Solution", response.json["data"]["name"])

	def complaint(self, customer, category="Delivery Delay"):
		return committed_complaint(
			{
				"customer": customer,
				"channel": "Web",
				"received_at": add_days(now_datetime(), -1),
				"severity": "Medium",
				"category": category,
				"subject": "Parcel late again",
				"description": "Three days late.",
			}
		)

	def message(self, response):
		self.assertEqual(response.status_code, 200, response.text)
		return response.json["message"]

	def counts(self, solution):
		self.fresh()
		return frappe.db.get_value("CRM Solution", solution, ["used_count", "rated_count", "average_rating"])

	def test_staff_read_published_solutions_and_only_supervisors_write(self):
		published = self.write("Late parcel refund")
		draft = self.write("Draft idea", published=0)
		for user in (self.org.agent_a, self.org.rep_b, self.org.mgr_a):
			client = self.login(user)
			names = [
				r["name"]
				for r in self.message(
					self.call(client, "frappe.client.get_list", doctype="CRM Solution", limit_page_length=0)
				)
			]
			self.assertIn(published, names, user)
			self.assertNotIn(draft, names, user)
			self.assertEqual(self.resource(client, "CRM Solution", published).status_code, 200, user)
			self.assertTrue(refused(self.resource(client, "CRM Solution", draft)), user)
			# Readers write nothing, not even the counts.
			self.assertTrue(
				refused(self.insert(client, "CRM Solution", title="Mine", problem="x", solution="y"))
			)
			self.assertTrue(
				refused(self.put(client, f"/api/resource/CRM Solution/{published}", {"title": "Changed"}))
			)
		# The supervisor reads the draft, and cannot type the counts (the server's).
		supervisor = self.login(self.supervisor)
		self.assertEqual(self.resource(supervisor, "CRM Solution", draft).status_code, 200)
		self.put(
			supervisor, f"/api/resource/CRM Solution/{published}", {"used_count": 99, "average_rating": 5}
		)
		self.assertEqual(self.counts(published), (0, 0, 0.0))
		# Searchable by title in the desk's link search.
		found = self.message(
			self.call(
				self.login(self.org.agent_a),
				"frappe.desk.search.search_link",
				doctype="CRM Solution",
				txt="Late parcel",
			)
		)
		self.assertIn(published, [r["value"] for r in found])

	def test_the_complaint_suggests_its_categorys_published_solutions_and_counts_their_use(self):
		mine = self.write("Late parcel refund")
		group = self.write("Any complaint: apologise first", category="All Categories")
		draft = self.write("Draft late parcel", published=0)
		other = self.write("Broken goods", category="Damage")
		complaint = self.complaint(self.org.c_a1)
		agent = self.login(self.org.agent_a)
		suggested = [s["name"] for s in self.message(self.call(agent, SUGGEST, complaint=complaint))]
		self.assertLessEqual({mine, group}, set(suggested))  # the category and the group above it
		self.assertFalse({draft, other} & set(suggested))
		categories = frappe.get_all(
			"CRM Solution", {"name": ("in", suggested)}, pluck="category", distinct=True
		)
		self.assertLessEqual(set(categories), {"Delivery Delay", "All Categories"})

		used = self.message(self.call(agent, USE, complaint=complaint, solution=mine))
		self.assertIn("Refund the shipping fee", used["html"])
		self.assertNotIn("<p>", used["text"])
		self.fresh()
		self.assertEqual(frappe.db.get_value("CRM Complaint", complaint, "solution"), mine)
		self.assertEqual(self.counts(mine), (1, 0, 0.0))
		# Used again on the same complaint: still one complaint answered.
		self.message(self.call(agent, USE, complaint=complaint, solution=mine))
		self.assertEqual(self.counts(mine)[0], 1)

		# The customers rate the complaints it answered: 4 and 2 make an average of 3.
		second = self.complaint(self.org.c_a2)
		self.message(self.call(agent, USE, complaint=second, solution=mine))
		for name, stars in ((complaint, 4), (second, 2)):
			response = self.put(
				agent,
				f"/api/resource/CRM Complaint/{name}",
				{"status": "Resolved", "resolution": "Refunded."},
			)
			self.assertEqual(response.status_code, 200, response.text)
			self.fresh()
			token = frappe.db.get_value("CRM Complaint", name, "feedback_token")
			result = self.message(
				self.call(self.login("Guest"), SUBMIT, token=token, resolved=1, rating=stars)
			)
			self.assertTrue(result["ok"], result)
		self.assertEqual(self.counts(mine), (2, 2, 3.0))
		# Answered with another solution instead: the first one counts one complaint less.
		self.message(self.call(agent, USE, complaint=second, solution=group))
		self.assertEqual(self.counts(mine), (1, 1, 4.0))
		self.assertEqual(self.counts(group), (1, 1, 2.0))

	def test_drafts_cannot_be_used(self):
		draft = self.write("Draft", published=0)
		complaint = self.complaint(self.org.c_a1)
		response = self.call(self.login(self.org.agent_a), USE, complaint=complaint, solution=draft)
		self.assertNotEqual(response.status_code, 200)
		self.fresh()
		self.assertIsNone(frappe.db.get_value("CRM Complaint", complaint, "solution"))

	def test_another_division_and_a_guest_read_nothing_through_the_knowledge_base(self):
		solution = self.write("Late parcel refund")
		complaint = self.complaint(self.org.c_a1)
		rep_b = self.login(self.org.rep_b)
		response = self.call(rep_b, SUGGEST, complaint=complaint)
		self.assertTrue(refused(response), response.text)
		self.assertNotIn("Parcel late again", response.text)
		self.assertTrue(refused(self.call(rep_b, USE, complaint=complaint, solution=solution)))
		self.fresh()
		self.assertIsNone(frappe.db.get_value("CRM Complaint", complaint, "solution"))
		guest = self.login("Guest")
		for response in (
			self.call(guest, SUGGEST, complaint=complaint),
			self.call(guest, SUGGEST, category="Delivery Delay"),
			self.call(guest, USE, complaint=complaint, solution=solution),
			self.resource(guest, "CRM Solution", solution),
			self.resource(guest, "CRM Solution"),
		):
			self.assertIn(response.status_code, (401, 403), response.text)
			self.assertNotIn("Late parcel refund", response.text)
