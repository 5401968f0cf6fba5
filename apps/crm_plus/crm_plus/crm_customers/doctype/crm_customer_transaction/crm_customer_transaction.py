# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt, getdate, today

from crm_plus.domain import lifecycle
from crm_plus.security.guards import check_customer_access


class CRMCustomerTransaction(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amount: DF.Currency
		channel: DF.Literal["", "Direct", "Distributor", "Online", "Retail", "Other"]
		contract: DF.Link | None
		contract_no: DF.Data | None
		customer: DF.Link
		customer_name: DF.Data | None
		gross_profit: DF.Currency
		is_return: DF.Check
		naming_series: DF.Literal["CRM-TXN-.YYYY.-"]
		payment_method: DF.Literal["", "Bank Transfer", "Cash", "Cheque", "Credit", "Online Payment", "Other"]
		posting_date: DF.Date
		product: DF.Data | None
		product_category: DF.Data | None
		remarks: DF.SmallText | None
		sales_person: DF.Link | None

	# end: auto-generated types
	def validate(self):
		check_customer_access(self.customer, "write")
		self.validate_customer_active()
		self.validate_amounts()
		self.validate_contract()

	def validate_contract(self):
		from crm_plus.crm_sales.doctype.crm_contract.crm_contract import check_transaction_contract

		check_transaction_contract(self)

	def validate_customer_active(self):
		if frappe.db.get_value("CRM Customer", self.customer, "disabled"):
			frappe.throw(
				_("Customer {0} is deactivated: restore it before recording transactions").format(
					frappe.bold(self.customer)
				)
			)

	def validate_amounts(self):
		if getdate(self.posting_date) > getdate(today()):
			frappe.throw(_("The transaction date cannot be in the future"))
		if not flt(self.amount):
			frappe.throw(_("The amount cannot be zero"))
		if self.is_return and flt(self.amount) > 0:
			# Returns are recorded as negative amounts, whatever sign was typed.
			self.amount = -flt(self.amount)
			self.gross_profit = -abs(flt(self.gross_profit))
		if not self.is_return and flt(self.amount) < 0:
			frappe.throw(_("A negative amount is a return: tick Is a Return"))
		if not self.sales_person:
			self.sales_person = frappe.db.get_value("CRM Customer", self.customer, "account_manager")

	def on_update(self):
		self.refresh_customer()

	def on_trash(self):
		self.flags.deleted = True

	def after_delete(self):
		self.refresh_customer()

	def refresh_customer(self):
		"""Regrade the customer and move its lifecycle forward from its purchases."""
		from crm_plus.crm_customers.grading import regrade_customers

		regrade_customers([self.customer], source="Regrade")
		purchases = frappe.db.count("CRM Customer Transaction", {"customer": self.customer, "is_return": 0})
		customer = frappe.get_doc("CRM Customer", self.customer)
		new_status = lifecycle.status_after_purchases(customer.status, purchases)
		if new_status != customer.status:
			customer.status = new_status
			customer.flags.ignore_permissions = True
			customer.save()
