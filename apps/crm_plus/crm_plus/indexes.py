"""Composite indexes that a field's `search_index` cannot express: the columns that the reports' GROUP
BYs and the permission-filtered lists read, in the order they read them. Created on install and on
every migrate; creating one that exists does nothing.

Each entry serves one query shape (measured on the large data set, see crm_plus.devtools.benchmark):
- transactions by rep for a period: the sales section reads the index alone (4.0 s -> 0.5 s);
- a rep's customers newest first: 20 index entries instead of a scan of the modified index;
- customers created per rep, key customers per rep, visits per rep and their completion, complaints and satisfaction per rep, first
  purchases in a period, completed visits of one customer in a period: index-only reads;
- the sales funnel and the kanban board (see bench_funnel);
- a user's open assignments, which every permission scope reads (crm_plus.security.scope): Frappe
  indexes ToDo by reference only, so each request of every rep scanned the table (300k ToDos: 78 ms;
  through this index, read alone: 0.13 ms).
"""

INDEXES: dict[str, list[tuple[str, ...]]] = {
	"CRM Customer Transaction": [("sales_person", "posting_date", "amount", "gross_profit")],
	"CRM Customer": [
		("account_manager", "modified"),
		("account_manager", "creation"),
		("account_manager", "grade", "disabled"),
	],
	"CRM Visit": [("sales_rep", "planned_start", "status"), ("customer", "status", "planned_start")],
	"CRM Complaint": [("account_manager", "received_at")],
	"CRM Customer Status Log": [("to_status", "changed_at", "customer")],
	"CRM Survey Response": [("account_manager", "submitted_at", "average_score")],
	# The funnel (bench_funnel, 100k opportunities): a rep's opportunities of a period by stage (26 ms
	# instead of 48), the kanban's cards of a rep newest first (p95 49 ms instead of 91), the stage log
	# joined per opportunity (the whole year's funnel 0.73 s instead of 0.95). An index on (creation,
	# stage, expected_amount) made the whole year's funnel slower (1.8 s): the optimizer then drives
	# the log join from a range scan. Leads per rep created or converted in a period.
	"CRM Opportunity": [
		("account_manager", "creation", "stage", "expected_amount"),
		("account_manager", "modified"),
	],
	"CRM Opportunity Stage Log": [("opportunity", "to_stage", "from_stage", "days_in_previous_stage")],
	"CRM Lead": [("account_manager", "creation"), ("account_manager", "converted_on")],
	"ToDo": [("allocated_to", "status", "reference_type", "reference_name")],
}


def index_name(fields: tuple[str, ...]) -> str:
	return "crm_" + "_".join(fields)[:56]


def ensure_indexes() -> list[str]:
	"""Create the missing indexes; returns the names of those created."""
	import frappe

	created = []
	for doctype, indexes in INDEXES.items():
		table = f"tab{doctype}"
		for fields in indexes:
			name = index_name(fields)
			if not frappe.db.has_index(table, name):
				frappe.db.add_index(doctype, list(fields), name)
				created.append(f"{doctype}: {name}")
	return created
