# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

"""The knowledge base of solutions (seeds: 解决方案/知识库). Staff read the published ones; service
supervisors and managers write them. A complaint's form suggests the published solutions of its
category; using one records it on the complaint, and each solution counts the complaints it answered
and their customers' average rating (set-based, from the complaints)."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt, strip_html
from frappe.utils.html_utils import sanitize_html
from frappe.utils.nestedset import get_ancestors_of

from crm_plus.utils import allow_server_fields

DOCTYPE = "CRM Solution"
# Who reads drafts: crm_plus.domain.roles.SOLUTION_DRAFT_READERS (the rule: crm_plus.security.table).


class CRMSolution(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		average_rating: DF.Float
		category: DF.Link | None
		problem: DF.SmallText
		product: DF.Data | None
		published: DF.Check
		rated_count: DF.Int
		solution: DF.TextEditor
		title: DF.Data
		used_count: DF.Int

	# end: auto-generated types
	def validate(self):
		self.title = (self.title or "").strip()
		if not self.title:
			frappe.throw(_("Please give the solution a title"))


@frappe.whitelist()
def suggest(complaint: str | None = None, category: str | None = None) -> list[dict]:
	"""Published solutions for a complaint's category (or a category, for a complaint not yet saved)
	and the groups above it, most used first: only what the user may read, for a complaint the user
	may read."""
	if complaint:
		doc = frappe.get_doc("CRM Complaint", complaint)
		doc.check_permission("read")
		category = doc.category
	if not category or not isinstance(category, str):
		return []
	if not frappe.db.exists("CRM Complaint Category", category):
		return []
	categories = [category, *get_ancestors_of("CRM Complaint Category", category)]
	return frappe.get_list(
		DOCTYPE,
		filters={"category": ("in", categories), "published": 1},
		fields=["name", "title", "category", "product", "problem", "used_count", "average_rating"],
		order_by="used_count desc, modified desc",
		limit_page_length=20,
	)


@frappe.whitelist(methods=["POST"])
def use(complaint: str, solution: str) -> dict:
	"""Answer a complaint with a published solution: recorded on the complaint (the solution's count
	follows), and its text returned for the reply and the resolution."""
	doc = frappe.get_doc("CRM Complaint", complaint)
	doc.check_permission("write")
	if not frappe.has_permission(DOCTYPE, "read", solution):
		frappe.throw(_("You are not permitted to read this solution"), frappe.PermissionError)
	found = frappe.db.get_value(DOCTYPE, solution, ["name", "title", "solution", "published"], as_dict=True)
	if not found or not found.published:
		frappe.throw(_("Only a published solution can be used"))
	if doc.solution != found.name:
		doc.solution = found.name
		allow_server_fields(doc).save()
	return {
		"solution": found.name,
		"title": found.title,
		# Put into the email composer as HTML: sanitized whatever its shape (Frappe's save skips a value
		# that parses as JSON).
		"html": sanitize_html(found.solution or "", always_sanitize=True),
		"text": strip_html(found.solution),
	}


def refresh_counts(solutions) -> None:
	"""Recount the given solutions from their complaints in one query: complaints answered, ratings
	given and their average (a rating of 0 or none is no rating)."""
	names = sorted({s for s in solutions if s})
	if not names:
		return
	rows = frappe.db.sql(
		"""select s.name, count(c.name), count(nullif(c.rating, 0)), avg(nullif(c.rating, 0))
		from `tabCRM Solution` s left join `tabCRM Complaint` c on c.solution = s.name
		where s.name in %(names)s group by s.name""",
		{"names": names},
	)
	for name, used, rated, average in rows:
		frappe.db.set_value(
			DOCTYPE,
			name,
			{"used_count": used, "rated_count": rated, "average_rating": flt(average, 2)},
			update_modified=False,
		)
