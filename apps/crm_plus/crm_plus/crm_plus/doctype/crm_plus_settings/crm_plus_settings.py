# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint

from crm_plus.domain import grading


class CRMPlusSettings(Document):
	def validate(self):
		if "." not in (self.customer_code_series or "") and "#" not in (self.customer_code_series or ""):
			frappe.throw(_("The customer code series needs a running number, e.g. CUST-.#####"))
		self.validate_grading()
		self.keep_cut_points()

	def validate_grading(self):
		"""Settings that cannot grade, and a formula that fails for values the grading may pass, are
		refused here: the grading itself keeps a customer's grade when its formula fails."""
		from crm_plus.crm_plus.grading import config_error_message, load_config, load_tiers

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
