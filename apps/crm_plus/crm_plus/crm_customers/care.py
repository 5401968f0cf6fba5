"""Customer care (客户关怀): birthdays and anniversaries announced to the account manager."""

import frappe
from frappe import _
from frappe.utils import cint, getdate, today

from crm_plus.domain import lifecycle
from crm_plus.notifications import claim, notify
from crm_plus.utils import each_isolated

KIND_LABELS = {
	"birthday": lambda: _("Birthday"),
	"founding_anniversary": lambda: _("Founding anniversary"),
	"cooperation_anniversary": lambda: _("Anniversary of cooperation"),
}


def gather_dates() -> list[tuple[str, str, str, str]]:
	"""(key, kind, date, label) for customers and key people; key = customer or customer/row."""
	rows = frappe.db.sql(
		"""
		select name, customer_name, birth_date, founding_date, cooperation_since
		from `tabCRM Customer`
		where disabled = 0 and (birth_date is not null or founding_date is not null or cooperation_since is not null)
		""",
		as_dict=True,
	)
	dates = []
	for r in rows:
		for kind, field in (
			("birthday", "birth_date"),
			("founding_anniversary", "founding_date"),
			("cooperation_anniversary", "cooperation_since"),
		):
			if r[field]:
				dates.append((r.name, kind, getdate(r[field]), r.customer_name))
	people = frappe.db.sql(
		"""
		select p.parent, p.name, p.person_name, p.birthday
		from `tabCRM Customer Key Person` p join `tabCRM Customer` c on c.name = p.parent
		where p.parenttype = 'CRM Customer' and c.disabled = 0 and p.birthday is not null
		""",
		as_dict=True,
	)
	dates += [(f"{p.parent}/{p.name}", "birthday", getdate(p.birthday), p.person_name) for p in people]
	return dates


def send_care_reminders(as_of=None) -> int:
	"""Daily: notify each owner of occasions within the configured days; never the same one twice."""
	days = cint(frappe.db.get_single_value("CRM Plus Settings", "reminder_days_ahead"))
	dates = gather_dates()
	labels = {(key, kind): label for key, kind, _d, label in dates}
	occasions = lifecycle.upcoming_occasions(
		[(k, kind, d) for k, kind, d, _l in dates], getdate(as_of or today()), days
	)

	def remind(occasion) -> bool:
		customer = occasion.key.split("/")[0]
		key = f"care:{occasion.key}:{occasion.kind}:{occasion.occurs_on}"
		owner = frappe.db.get_value("CRM Customer", customer, "account_manager")
		if not owner or not claim(key, "CRM Customer", customer, owner):
			return False
		notify(
			owner,
			"CRM Customer",
			customer,
			_("{0}: {1} of {2} on {3} ({4} years)").format(
				KIND_LABELS[occasion.kind](),
				labels[(occasion.key, occasion.kind)],
				customer,
				frappe.format(occasion.occurs_on, "Date"),
				occasion.years,
			),
		)
		return True

	return each_isolated(occasions, remind, _("CRM Plus: a care reminder failed"))
