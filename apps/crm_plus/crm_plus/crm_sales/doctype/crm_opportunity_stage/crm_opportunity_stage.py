# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_plus.domain import sales

MESSAGES = {
	"won_and_lost": lambda: _("A stage is a won stage or a lost stage, not both"),
	"probability_out_of_range": lambda: _("The probability must be between 0 and 100"),
}


class CRMOpportunityStage(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		description: DF.SmallText | None
		is_lost: DF.Check
		is_won: DF.Check
		probability: DF.Percent
		stage_name: DF.Data
		stage_order: DF.Int

	# end: auto-generated types
	def validate(self):
		if code := sales.stage_definition_error(self.probability, bool(self.is_won), bool(self.is_lost)):
			frappe.throw(MESSAGES[code]())
