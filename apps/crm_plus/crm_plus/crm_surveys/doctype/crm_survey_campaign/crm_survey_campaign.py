# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt

from crm_plus.crm_surveys.progress import FIGURES, recount
from crm_plus.domain.surveys import PROGRESS_COUNTERS


class CRMSurveyCampaign(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		answered: DF.Int
		average_score: DF.Float
		campaign_name: DF.Data
		channel: DF.Literal["Web Link", "Phone", "Face to Face"]
		csat: DF.Percent
		expires_in_days: DF.Int
		filter_account_manager: DF.Link | None
		filter_grade: DF.Link | None
		filter_industry: DF.Link | None
		filter_region: DF.Link | None
		filter_status: DF.Literal[
			"", "Potential", "Target", "First Purchase", "Repeat", "Loyal", "At Risk", "Lost"
		]
		invited: DF.Int
		nps: DF.Float
		nps_answers: DF.Int
		nps_detractors: DF.Int
		nps_promoters: DF.Int
		opened: DF.Int
		response_rate: DF.Percent
		sample_percentage: DF.Percent
		sample_size: DF.Int
		satisfaction_answers: DF.Int
		satisfaction_total: DF.Int
		satisfied_answers: DF.Int
		seed: DF.Int
		status: DF.Literal["Draft", "Running", "Closed"]
		stratify_by_grade: DF.Check
		template: DF.Link

	# end: auto-generated types
	def validate(self):
		if flt(self.sample_percentage) < 0 or flt(self.sample_percentage) > 100:
			frappe.throw(_("The sample percentage must be between 0 and 100"))

	def before_save(self):
		self.keep_progress()

	def keep_progress(self):
		"""The progress is counted by the invitations and answers, never written from the form: a new
		campaign starts at nothing, a saved one keeps its row's counts as they are now (read with the
		row's lock, held to the commit, so no answer counted meanwhile is written over)."""
		before = self.get_doc_before_save()
		for field in (*PROGRESS_COUNTERS, *FIGURES):
			self.set(field, before.get(field) if before else 0)

	@frappe.whitelist()
	def recount_progress(self) -> dict:
		"""Count the progress afresh from the invitations and answers (a repair; the counts are kept as
		they change)."""
		self.check_permission("write")
		return recount(self.name)

	@frappe.whitelist()
	def start(self) -> int:
		"""Draw the sample and invite it; inviting again adds only customers not yet invited."""
		from crm_plus.crm_surveys.api import invite

		self.check_permission("write")
		created = invite(self)
		self.db_set("status", "Running")
		return created

	@frappe.whitelist()
	def close(self) -> None:
		self.check_permission("write")
		self.db_set("status", "Closed")
