# Underscored: Frappe reads every public name of this module as a hook.
from crm_plus.domain import contracts as _contracts
from crm_plus.domain import sales as _sales
from crm_plus.domain import sla as _sla
from crm_plus.domain import visits as _visits
from crm_plus.security import table as _security


def _open_records(doctype: str, user_field: str, statuses, customer_field: str | None = None) -> dict:
	"""An entry of the transfer hooks: the open records of `doctype` (status in `statuses`) that name the
	departing rep in `user_field` (and, for a customer's records, the customer in `customer_field`)."""
	entry = {"doctype": doctype}
	if customer_field:
		entry["customer_field"] = customer_field
	return entry | {"user_field": user_field, "open_filters": {"status": list(statuses)}}


def _each(doctypes, events, method: str) -> dict:
	"""doc_events running `method` on each of `events` of each of `doctypes`."""
	return {doctype: {event: [method] for event in events} for doctype in doctypes}


def _merged(*layers: dict) -> dict:
	"""doc_events of the layers in order: a later layer's methods run after those of an earlier one on the
	same event (a single method given as a string stays one while nothing is added to it)."""
	merged = {}
	for layer in layers:
		for doctype, events in layer.items():
			for event, methods in events.items():
				doctype_events = merged.setdefault(doctype, {})
				if event not in doctype_events:
					doctype_events[event] = list(methods) if isinstance(methods, list) else methods
					continue
				before = doctype_events[event]
				doctype_events[event] = [
					*([before] if isinstance(before, str) else before),
					*([methods] if isinstance(methods, str) else methods),
				]
	return merged


app_name = "crm_plus"
app_title = "CRM Plus"
app_publisher = "CRM Plus"
app_description = (
	"Customer relationship management: archives, grading, data permissions, visits, surveys, complaints"
)
app_email = "dev@crmplus.example"
app_license = "mit"

export_python_type_annotations = True

# Every desk page: seconds in the date pickers where the built air-datepicker lacks them
# (see public/js/datetime_seconds.js; the forms of the app's documents also include it), and charts
# not drawn into a page the user has left (public/js/charts.js).
app_include_js = ["/assets/crm_plus/js/datetime_seconds.js", "/assets/crm_plus/js/charts.js"]

# Install, migrate, uninstall
after_install = "crm_plus.install.after_install"
after_migrate = "crm_plus.install.after_migrate"
before_uninstall = "crm_plus.install.before_uninstall"
# Frappe's setup wizard asks for the currency and keeps it only with ERPNext: the app's amounts use it.
setup_wizard_complete = "crm_plus.install.setup_wizard_complete"

# Default records (grades, masters) added where missing; later modules append theirs.
crm_plus_default_records = [
	"crm_plus.default_records.ensure_default_records",
	"crm_plus.default_records.ensure_complaint_records",
	"crm_plus.default_records.ensure_survey_records",
	"crm_plus.default_records.ensure_sales_records",
	"crm_plus.crm_customers.contacts.ensure_permissions",
	"crm_plus.crm_customers.contacts.ensure_address_template",
]

# Records that belong to a customer and move with it when a departing rep's customers are
# transferred (分配客户): {"doctype", "customer_field", "user_field", "open_filters"}.
crm_plus_transfer = [
	_open_records("CRM Visit", "sales_rep", sorted(_visits.OPEN_STATUSES), customer_field="customer"),
	_open_records("CRM Complaint", "handler", _sla.OPEN_STATUSES, customer_field="customer"),
	_open_records("CRM Complaint", "account_manager", _sla.OPEN_STATUSES, customer_field="customer"),
	_open_records("CRM Contract", "account_manager", _contracts.OPEN_STATUSES, customer_field="customer"),
]
# A departing rep's own open records that are not a customer's (leads, opportunities on a lead): moved
# by the same transfer, those the transferring user may edit: {"doctype", "user_field", "open_filters"}.
crm_plus_transfer_owned = [
	_open_records("CRM Lead", "account_manager", _sales.OPEN_LEAD_STATUSES),
	_open_records("CRM Opportunity", "account_manager", _sales.OPEN_OPPORTUNITY_STATUSES),
]

# Data permissions: the security shell's table (crm_plus.security.table) names, for every DocType of the
# app and every framework DocType the app guards, the kind of rule it follows. From it: one SQL
# condition per kind for lists, reports, link search, counts and exports (permission_query_conditions),
# the same condition run on the stored row for single documents (has_permission), and the write guards
# (doc_events below). docs/DEVELOPING.md, "The security shell".
permission_query_conditions = _security.query_condition_hooks()
has_permission = _security.has_permission_hooks()

# The customer's visits and complaints on its timeline; activities (一般行动) on the timeline of the
# record they are against.
additional_timeline_content = {
	"CRM Customer": [
		"crm_plus.crm_customers.timeline.customer_timeline",
		"crm_plus.crm_customers.timeline.activity_timeline",
	],
	"CRM Lead": ["crm_plus.crm_customers.timeline.activity_timeline"],
	"CRM Opportunity": ["crm_plus.crm_customers.timeline.activity_timeline"],
}

# Inbound mails know complaints: bounces and auto-replies never open one, big attachments are noted.
# A File knows whether its content came with it (an upload) or was read from a path (crm_plus.files).
override_doctype_class = {
	"Email Account": "crm_plus.crm_complaints.mail.EmailAccount",
	"File": "crm_plus.files.File",
}

scheduler_events = {
	"cron": {
		# Queues the escalation pass on the long queue (service_level.schedule_escalation); the follow-ups
		# of public survey answers whose job was lost.
		"*/5 * * * *": [
			"crm_plus.crm_complaints.service_level.schedule_escalation",
			"crm_plus.crm_surveys.api.follow_up_pending",
		],
		"*/10 * * * *": [
			"crm_plus.crm_visits.jobs.mark_missed_visits",
			"crm_plus.crm_visits.jobs.send_visit_reminders",
			"crm_plus.crm_surveys.mail.sync_delivery",
		],
	},
	"daily": [
		"crm_plus.crm_customers.care.send_care_reminders",
		"crm_plus.crm_visits.jobs.send_daily_digests",
		"crm_plus.crm_visits.jobs.update_plan_completion",
		"crm_plus.crm_surveys.mail.send_survey_reminders",
		"crm_plus.crm_surveys.progress.recount_running",
		"crm_plus.crm_sales.doctype.crm_contract.crm_contract.mark_contracts_by_dates",
		"crm_plus.crm_sales.pool.release",
	],
	"weekly": ["crm_plus.crm_visits.jobs.notify_coverage_gaps"],
	"daily_long": ["crm_plus.crm_customers.grading.nightly_regrade"],
}

calendars = ["CRM Visit"]

# Translations are compiled from locale/*.po on install and migrate (see install.py).

# Caller filters must be data on every endpoint (crm_plus.domain.query_args): Frappe's list engine
# takes a string filter as raw SQL.
before_request = [
	"crm_plus.security.request_guard.check_request_filters",
	# A read replica (`read_from_replica`, crm_plus.read_replica): a user who has just written reads from
	# the primary for a few seconds (read your own writes).
	"crm_plus.read_replica.route_request",
]

# Every whitelisted function of the app is type-annotated (tests/test_api_annotations.py): Frappe
# validates the arguments of an annotated one on every request, guest endpoints included. Frappe v15.41
# does not read this hook (later versions refuse an unannotated whitelisted function when it is set).
require_type_annotated_api_methods = True

override_whitelisted_methods = {
	"frappe.desk.listview.get_group_by_count": "crm_plus.security.framework_overrides.get_group_by_count",
	"frappe.client.get_count": "crm_plus.security.framework_overrides.get_count",
	# Frappe v15 methods that answer or write without checking the record's permission.
	"frappe.desk.search.search_link": "crm_plus.security.framework_overrides.search_link",
	"frappe.desk.search.search_widget": "crm_plus.security.framework_overrides.search_widget",
	"frappe.desk.search.get_link_title": "crm_plus.security.framework_overrides.get_link_title",
	"frappe.email.relink": "crm_plus.security.framework_overrides.relink",
	"frappe.desk.like.toggle_like": "crm_plus.security.framework_overrides.toggle_like",
	"frappe.core.doctype.sms_settings.sms_settings.get_contact_number": "crm_plus.security.framework_overrides.get_contact_number",
	"frappe.desk.form.utils.get_next": "crm_plus.security.framework_overrides.get_next",
	"frappe.contacts.doctype.address.address.get_default_address": "crm_plus.security.framework_overrides.get_default_address",
	"frappe.desk.doctype.tag.tag.get_tagged_docs": "crm_plus.security.framework_overrides.get_tagged_docs",
	"frappe.desk.doctype.kanban_board.kanban_board.update_order": "crm_plus.crm_sales.kanban.update_kanban_order",
	"frappe.desk.doctype.kanban_board.kanban_board.update_order_for_single_card": "crm_plus.crm_sales.kanban.move_kanban_card",
	"frappe.desk.doctype.kanban_board.kanban_board.add_card": "crm_plus.crm_sales.kanban.add_kanban_card",
	"frappe.desk.notifications.get_open_count": "crm_plus.security.framework_overrides.get_open_count",
	# A Document Type number card's value, which Frappe v15 reads on the primary, is served from the read
	# replica (crm_plus.read_replica).
	"frappe.desk.doctype.number_card.number_card.get_result": "crm_plus.read_replica.number_card_result",
	# The desk's list of a rep with customers assigned by colleagues: the rule's two branches read in the
	# list's order and merged (crm_plus.list_view, issue 23); every other list is Frappe's own.
	"frappe.desk.reportview.get": "crm_plus.list_view.get",
}


# Stored text (crm_plus.stored_text, rules in crm_plus.domain.markup): every text field, child rows
# included, of the app's DocTypes and of the Frappe DocTypes the app's users write is cleaned on the
# server whatever its shape (Frappe's own sanitizer skips values that parse as JSON, and submitted
# documents), and web address fields take http(s), mailto and tel only. Not "*": Workspace, Report,
# Print Format and the like hold markup on purpose.
_sanitized_app = [
	"CRM Activity",
	"CRM Complaint",
	"CRM Complaint Category",
	"CRM Contract",
	"CRM Customer",
	"CRM Customer Event",
	"CRM Customer Grade",
	"CRM Customer Grade Log",
	"CRM Customer Source",
	"CRM Customer Status Log",
	"CRM Customer Transaction",
	"CRM Customer Transfer",
	"CRM Customer Type",
	"CRM Division",
	"CRM Industry",
	"CRM Lead",
	"CRM Lost Reason",
	"CRM Opportunity",
	"CRM Opportunity Stage",
	"CRM Opportunity Stage Log",
	"CRM Plus Settings",
	"CRM Pool Log",
	"CRM Region",
	"CRM SLA Policy",
	"CRM Sales Target",
	"CRM Sales Team",
	"CRM Sent Notification",
	"CRM Solution",
	"CRM Survey Campaign",
	"CRM Survey Invitation",
	"CRM Survey Response",
	"CRM Survey Template",
	"CRM Visit",
	"CRM Visit Plan",
]
_sanitized_framework = [
	"User",
	"ToDo",
	"Note",
	"Comment",
	"Communication",
	"Contact",
	"Address",
	"Event",
	"File",
]

doc_events = _merged(
	# The write guards of the security shell (crm_plus.security.guards), by DocType, from its table.
	_security.guard_hooks(),
	{
		# An upload whose content equals another record's file gets a copy of its own (crm_plus.files).
		"File": {"before_insert": "crm_plus.files.own_copy", "on_trash": "crm_plus.files.remove_own_copy"},
		"User": {"on_update": "crm_plus.crm_customers.transfer.warn_when_owner_disabled"},
		# A comment or a reply by staff is a complaint's first response.
		"Comment": {
			"after_insert": "crm_plus.crm_complaints.doctype.crm_complaint.crm_complaint.record_first_response"
		},
		"Communication": {
			# A message's text never opens a tag when the composer quotes it (Reply).
			"validate": "crm_plus.crm_complaints.mail.make_quote_inert",
			"after_insert": [
				"crm_plus.crm_complaints.doctype.crm_complaint.crm_complaint.record_first_response",
				# A complaint opened by a customer's mail gets its text, customer and acknowledgement.
				"crm_plus.crm_complaints.mail.on_communication",
			],
		},
		# Mails about a complaint continue the customer's thread (In-Reply-To, References).
		"Email Queue": {"before_insert": "crm_plus.crm_complaints.mail.thread_headers"},
		"ToDo": {
			"after_insert": "crm_plus.crm_complaints.doctype.crm_complaint.crm_complaint.set_handler_from_assignment",
			# A scope names its user's assigned customers: an assignment made or closed renews it.
			"on_update": "crm_plus.security.scope.clear_scope_cache",
			"on_trash": "crm_plus.security.scope.clear_scope_cache",
		},
	},
	# Names the desk puts into an attribute unescaped: a tag (list view), a Kanban board (sidebar) keeps no
	# quote or angle bracket (crm_plus.stored_text.refuse_unsafe_name).
	_each(
		("Tag", "Kanban Board"),
		("before_insert", "validate", "before_rename"),
		"crm_plus.stored_text.refuse_unsafe_name",
	),
	# Stored text, above.
	_each(
		[*_sanitized_app, *_sanitized_framework],
		("validate", "before_update_after_submit"),
		"crm_plus.stored_text.guard",
	),
	# Cached reports (crm_plus.report_cache, issue 23) are dropped when the organisation changes: a team,
	# a division (their members are rows of them) or a customer transfer.
	_each(
		("CRM Sales Team", "CRM Division", "CRM Customer Transfer"),
		("on_update", "on_trash", "on_submit", "on_cancel"),
		"crm_plus.report_cache.clear",
	),
)
