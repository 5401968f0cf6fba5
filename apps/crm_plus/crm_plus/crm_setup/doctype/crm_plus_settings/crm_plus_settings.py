# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint

from crm_plus.domain import grading


class CRMPlusSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		check_duplicate_name: DF.Check
		check_duplicate_phone: DF.Check
		check_duplicate_tax_id: DF.Check
		check_in_distance: DF.Int
		customer_code_series: DF.Data
		customer_pool_days: DF.Int
		customer_pool_enabled: DF.Check
		email_complaint_handler: DF.Link | None
		followup_interval_days: DF.Int
		frequency_thresholds: DF.Data | None
		grade_formula: DF.Code | None
		grading_window_days: DF.Int
		lead_pool_days: DF.Int
		max_position_accuracy: DF.Int
		missed_after_minutes: DF.Int
		monetary_thresholds: DF.Data | None
		pool_claim_limit: DF.Int
		profit_thresholds: DF.Data | None
		quantile_cut_points: DF.Code | None
		recency_thresholds: DF.Data | None
		reminder_days_ahead: DF.Int
		reopen_window_days: DF.Int
		scoring_method: DF.Literal["Fixed Thresholds", "Quantiles"]
		survey_reminder_days: DF.Int
		unhappy_on_detractor: DF.Check
		unhappy_threshold: DF.Int
		visit_reminder_minutes: DF.Int
		web_complaints_per_hour: DF.Int
		weight_credit: DF.Float
		weight_frequency: DF.Float
		weight_monetary: DF.Float
		weight_profit: DF.Float
		weight_recency: DF.Float
		weight_strategic: DF.Float

	# end: auto-generated types
	def validate(self):
		if "." not in (self.customer_code_series or "") and "#" not in (self.customer_code_series or ""):
			frappe.throw(_("The customer code series needs a running number, e.g. CUST-.#####"))
		self.validate_grading()
		self.keep_cut_points()

	def validate_grading(self):
		"""Settings that cannot grade, and a formula that fails for values the grading may pass, are
		refused here: the grading itself keeps a customer's grade when its formula fails."""
		from crm_plus.crm_customers.grading import config_error_message, load_config, load_tiers

		config = load_config(self)
		try:
			grading.validate_config(config, load_tiers() or [grading.Tier("Small", 0, 1)])
			if config.formula:
				grading.check_formula(config.formula)
		except grading.GradingConfigError as e:
			frappe.throw(config_error_message(e), title=_("Grading settings"))

	def keep_cut_points(self):
		"""The quantile cut points belong to the regrade, not to the form: a form opened before the
		nightly pass must not write back older ones. A new method or window drops them (the next
		regrade, or the first save that needs them, computes them again)."""
		before = self.get_doc_before_save()
		stored = frappe.db.get_single_value("CRM Plus Settings", "quantile_cut_points", cache=False)
		changed = before and (
			before.scoring_method != self.scoring_method
			or cint(before.grading_window_days) != cint(self.grading_window_days)
		)
		self.quantile_cut_points = None if changed else stored
