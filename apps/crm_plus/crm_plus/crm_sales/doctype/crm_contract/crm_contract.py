# Copyright (c) 2026, CRM Plus and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt, getdate, today

from crm_plus.domain import contracts

CONTRACT = "CRM Contract"
OPPORTUNITY = "CRM Opportunity"

MESSAGES = {
	"unknown_status": lambda a, b: _("Unknown contract status {0}").format(_(b)),
	"bad_start": lambda a, b: _("A new contract is a draft, signed or active, not {0}").format(_(b)),
	"not_allowed": lambda a, b: _("A contract cannot go from {0} to {1}").format(_(a), _(b)),
	"negative_amount": lambda: _("The contract amount cannot be negative"),
	"end_before_start": lambda: _("The contract's end date is before its start date"),
	"signed_date_required": lambda: _("Please give the date the contract was signed"),
}


class CRMContract(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		account_manager: DF.Link | None
		amount: DF.Currency
		attachment: DF.Attach | None
		contract_number: DF.Data | None
		customer: DF.Link
		customer_name: DF.Data | None
		division: DF.Link | None
		end_date: DF.Date | None
		naming_series: DF.Literal["CRM-CON-.YYYY.-"]
		opportunity: DF.Link | None
		sales_team: DF.Link | None
		signed_date: DF.Date | None
		start_date: DF.Date | None
		status: DF.Literal["Draft", "Signed", "Active", "Expired", "Terminated"]
		terms: DF.Text | None
		title: DF.Data

	# end: auto-generated types
	def validate(self):
		self.set_owner_from_customer()
		self.check_opportunity()
		self.check_values()
		self.check_status()
		self.status = contracts.status_by_dates(
			self.status, _date(self.start_date), _date(self.end_date), getdate(today())
		)

	def on_update(self):
		self.win_opportunity()

	def set_owner_from_customer(self):
		"""The customer's owner columns, so that lists and reports group contracts like customers (the
		row rule itself follows the customer: permissions.linked_query_conditions)."""
		values = frappe.db.get_value(
			"CRM Customer", self.customer, ["account_manager", "sales_team", "division"], as_dict=True
		)
		if values:
			self.update(values)

	def check_opportunity(self):
		"""The opportunity a contract closes is the same customer's, and one the user may edit."""
		if not self.opportunity or not (self.is_new() or self.has_value_changed("opportunity")):
			return
		if not self.flags.ignore_permissions and not frappe.has_permission(
			OPPORTUNITY, "write", self.opportunity
		):
			frappe.throw(
				_("You are not permitted to access the opportunity {0}").format(
					frappe.bold(self.opportunity)
				),
				frappe.PermissionError,
			)
		if frappe.db.get_value(OPPORTUNITY, self.opportunity, "customer") != self.customer:
			frappe.throw(
				_("The opportunity {0} is not one of the customer {1}'s").format(
					frappe.bold(self.opportunity), frappe.bold(self.customer)
				)
			)

	def check_values(self):
		code = contracts.contract_error(
			self.status,
			_date(self.signed_date),
			_date(self.start_date),
			_date(self.end_date),
			flt(self.amount) if self.amount is not None else None,
		)
		if code:
			frappe.throw(MESSAGES[code]())

	def check_status(self):
		before = self.get_doc_before_save()
		previous = before.status if before else None
		if code := contracts.status_error(previous, self.status):
			frappe.throw(MESSAGES[code](previous, self.status))

	def win_opportunity(self):
		"""A signed or active contract wins its opportunity: moved to the won stage by the opportunity's
		own rules (a lost one is reopened only by a manager), with its stage log."""
		if not self.opportunity or not contracts.wins_opportunity(self.status):
			return
		before = self.get_doc_before_save()
		if before and before.opportunity == self.opportunity and contracts.wins_opportunity(before.status):
			return
		win(self.opportunity)


def win(opportunity: str) -> None:
	doc = frappe.get_doc(OPPORTUNITY, opportunity)
	if doc.status == "Won":
		return
	won = frappe.get_all(
		"CRM Opportunity Stage", {"is_won": 1}, pluck="name", order_by="stage_order asc", limit=1
	)
	if not won:
		frappe.throw(_("Please define a won stage of the opportunities first"))
	doc.stage = won[0]
	doc.save()


def check_transaction_contract(doc) -> None:
	"""validate of CRM Customer Transaction: its contract is one of the same customer's."""
	if not doc.get("contract"):
		return
	if frappe.db.get_value(CONTRACT, doc.contract, "customer") != doc.customer:
		frappe.throw(
			_("The contract {0} is not one of this customer's contracts").format(frappe.bold(doc.contract)),
			title=_("Wrong contract"),
		)


def _date(value):
	return getdate(value) if value else None


def mark_contracts_by_dates(as_of=None) -> int:
	"""Daily: signed contracts whose term has begun become Active, signed or active ones past their
	end date Expired (domain.contracts.status_by_dates). One query reads the candidates, one UPDATE
	per status writes the changes; a second run changes nothing. Returns how many changed."""
	day = getdate(as_of or today())
	rows = frappe.db.sql(
		"""select name, status, start_date, end_date from `tabCRM Contract`
		where status in %(statuses)s and (start_date <= %(day)s or end_date < %(day)s)""",
		{"statuses": tuple(sorted(contracts.DATED_STATUSES)), "day": day},
		as_dict=True,
	)
	changes: dict[str, list[str]] = {}
	for r in rows:
		new = contracts.status_by_dates(r.status, _date(r.start_date), _date(r.end_date), day)
		if new != r.status:
			changes.setdefault(new, []).append(r.name)
	table = frappe.qb.DocType(CONTRACT)
	for status, names in changes.items():
		for start in range(0, len(names), 1000):
			frappe.qb.update(table).set(table.status, status).where(
				table.name.isin(names[start : start + 1000])
			).run()
	return sum(len(n) for n in changes.values())
