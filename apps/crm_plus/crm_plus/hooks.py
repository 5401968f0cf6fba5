# Underscored: Frappe reads every public name of this module as a hook.
from crm_plus.domain import activities as _activities
from crm_plus.domain import contracts as _contracts
from crm_plus.domain import sla as _sla
from crm_plus.domain import visits as _visits

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
	{
		"doctype": "CRM Visit",
		"customer_field": "customer",
		"user_field": "sales_rep",
		"open_filters": {"status": sorted(_visits.OPEN_STATUSES)},
	},
	{
		"doctype": "CRM Complaint",
		"customer_field": "customer",
		"user_field": "handler",
		"open_filters": {"status": list(_sla.OPEN_STATUSES)},
	},
	{
		"doctype": "CRM Complaint",
		"customer_field": "customer",
		"user_field": "account_manager",
		"open_filters": {"status": list(_sla.OPEN_STATUSES)},
	},
	{
		"doctype": "CRM Contract",
		"customer_field": "customer",
		"user_field": "account_manager",
		"open_filters": {"status": list(_contracts.OPEN_STATUSES)},
	},
]
# A departing rep's own open records that are not a customer's (leads, opportunities on a lead): moved
# by the same transfer, those the transferring user may edit: {"doctype", "user_field", "open_filters"}.
crm_plus_transfer_owned = [
	{
		"doctype": "CRM Lead",
		"user_field": "account_manager",
		"open_filters": {"status": list(_activities.OPEN_LEAD_STATUSES)},
	},
	{
		"doctype": "CRM Opportunity",
		"user_field": "account_manager",
		"open_filters": {"status": list(_activities.OPEN_OPPORTUNITY_STATUSES)},
	},
]

# Data permissions: one rule (crm_plus.domain.access) for lists, reports, link search, counts,
# exports (permission_query_conditions) and for single documents and attachments (has_permission).
_customer_linked = [
	"CRM Customer Transaction",
	"CRM Customer Status Log",
	"CRM Customer Grade Log",
	"CRM Customer Event",
	"CRM Survey Invitation",
	"CRM Survey Response",
	"CRM Contract",
]
# Child tables answer with their parent's rule; files, tags, comments and messages attached to the
# app's records with the record's rule (crm_plus.permissions.CHILD_TABLES, REFERENCES).
_child_tables = [
	"CRM Customer Key Person",
	"CRM Survey Answer",
	"CRM Visit Plan Item",
	"CRM Complaint Forward",
	"CRM Complaint Escalation",
	"CRM Customer Transfer Item",
]
# The sales funnel's leads and opportunities: the customer rule on their own owner, team and division;
# their stage log follows the opportunity.
_owned = ["CRM Lead", "CRM Opportunity"]
_opportunity_linked = ["CRM Opportunity Stage Log"]
_references = ["File", "Tag Link", "Communication", "Comment", "Energy Point Log"]
permission_query_conditions = (
	{
		"CRM Customer": "crm_plus.permissions.customer_query_conditions",
		"CRM Visit": "crm_plus.permissions.visit_query_conditions",
		"CRM Visit Plan": "crm_plus.permissions.plan_query_conditions",
		"CRM Complaint": "crm_plus.permissions.complaint_query_conditions",
		"CRM Customer Transfer": "crm_plus.permissions.transfer_query_conditions",
		"CRM Sales Target": "crm_plus.permissions.target_query_conditions",
	}
	| {doctype: "crm_plus.permissions.linked_query_conditions" for doctype in _customer_linked}
	| {doctype: "crm_plus.permissions.owned_query_conditions" for doctype in _owned}
	| {doctype: "crm_plus.permissions.opportunity_linked_query_conditions" for doctype in _opportunity_linked}
	| {doctype: "crm_plus.permissions.child_query_conditions" for doctype in _child_tables}
	| {doctype: "crm_plus.permissions.reference_query_conditions" for doctype in _references}
	| {doctype: "crm_plus.crm_customers.contacts.query_conditions" for doctype in ("Contact", "Address")}
	| {
		doctype: "crm_plus.permissions.framework_child_query_conditions"
		for doctype in ("Contact Phone", "Contact Email", "Dynamic Link", "Event Participants")
	}
)
has_permission = {
	"CRM Customer": "crm_plus.permissions.customer_has_permission",
	"CRM Visit": "crm_plus.permissions.visit_has_permission",
	"CRM Visit Plan": "crm_plus.permissions.plan_has_permission",
	"CRM Complaint": "crm_plus.permissions.complaint_has_permission",
	"CRM Customer Transfer": "crm_plus.permissions.transfer_has_permission",
	"CRM Sales Target": "crm_plus.permissions.target_has_permission",
	"Contact": "crm_plus.crm_customers.contacts.has_permission",
	"Address": "crm_plus.crm_customers.contacts.has_permission",
} | {doctype: "crm_plus.permissions.linked_has_permission" for doctype in _customer_linked}
has_permission |= {doctype: "crm_plus.permissions.owned_has_permission" for doctype in _owned}
# A new File naming a private path needs a readable record holding it (crm_plus.files).
has_permission["File"] = "crm_plus.files.file_has_permission"
has_permission |= {
	doctype: "crm_plus.permissions.opportunity_linked_has_permission" for doctype in _opportunity_linked
}
# Activities follow the lead, customer or opportunity they are against; the pool log its record.
permission_query_conditions["CRM Activity"] = "crm_plus.permissions.activity_query_conditions"
has_permission["CRM Activity"] = "crm_plus.permissions.activity_has_permission"
permission_query_conditions["CRM Pool Log"] = "crm_plus.permissions.pool_log_query_conditions"
has_permission["CRM Pool Log"] = "crm_plus.permissions.pool_log_has_permission"

# The customer's visits and complaints on its timeline.
additional_timeline_content = {"CRM Customer": ["crm_plus.crm_customers.timeline.customer_timeline"]}
# Activities (一般行动) on the timeline of the record they are against.
for _doctype in ("CRM Customer", "CRM Lead", "CRM Opportunity"):
	additional_timeline_content.setdefault(_doctype, []).append(
		"crm_plus.crm_customers.timeline.activity_timeline"
	)

# The validate hooks of the data permissions (crm_plus.permissions), by DocType.
_validate = {doctype: ["crm_plus.permissions.refuse_standalone_row"] for doctype in _child_tables}
for _doctype in [*_customer_linked, "CRM Visit", "CRM Complaint", "CRM Opportunity"]:
	# A record moved to another customer needs access to that customer too.
	_validate.setdefault(_doctype, []).append("crm_plus.permissions.check_customer_link")
for _doctype in [
	"CRM Customer",
	"CRM Visit Plan",
	"CRM Complaint",
	"CRM Survey Response",
	"CRM Customer Transfer",
]:
	# Rows are saved with their parent, and a parent's rows must be its own.
	_validate.setdefault(_doctype, []).append("crm_plus.permissions.check_rows_belong")
for _doctype in ["CRM Customer", *_owned]:
	# A record is put only where its user may put it (owner, team, division).
	_validate.setdefault(_doctype, []).append("crm_plus.permissions.check_placement")
# An activity is logged only against a record the user may edit.
_validate.setdefault("CRM Activity", []).append("crm_plus.permissions.check_activity_target")
_validate |= {
	"Contact": ["crm_plus.permissions.check_contact_links"],
	"Address": ["crm_plus.permissions.check_address_links"],
	"File": ["crm_plus.permissions.check_attachment"],
	"Event": ["crm_plus.permissions.check_event_participants"],
	"Document Follow": ["crm_plus.permissions.check_follow"],
	# An open assignment grants access: only a user who may edit the record may make one.
	"ToDo": ["crm_plus.permissions.check_assignment"],
}

doc_events = {doctype: {"validate": methods} for doctype, methods in _validate.items()}
# An upload whose content equals another record's file gets a copy of its own (crm_plus.files).
doc_events["File"]["before_insert"] = "crm_plus.files.own_copy"
doc_events["File"]["on_trash"] = "crm_plus.files.remove_own_copy"
doc_events["User"] = {"on_update": "crm_plus.crm_customers.transfer.warn_when_owner_disabled"}
doc_events["Version"] = {"before_insert": "crm_plus.permissions.mask_version"}
# A comment or a reply by staff is a complaint's first response.
doc_events["Comment"] = {
	"after_insert": "crm_plus.crm_complaints.doctype.crm_complaint.crm_complaint.record_first_response"
}
doc_events["Communication"] = {
	# A message's text never opens a tag when the composer quotes it (Reply).
	"validate": "crm_plus.crm_complaints.mail.make_quote_inert",
	"after_insert": [
		"crm_plus.crm_complaints.doctype.crm_complaint.crm_complaint.record_first_response",
		# A complaint opened by a customer's mail gets its text, customer and acknowledgement.
		"crm_plus.crm_complaints.mail.on_communication",
	],
}
# Mails about a complaint continue the customer's thread (In-Reply-To, References).
doc_events["Email Queue"] = {"before_insert": "crm_plus.crm_complaints.mail.thread_headers"}
# Inbound mails know complaints: bounces and auto-replies never open one, big attachments are noted.
override_doctype_class = {"Email Account": "crm_plus.crm_complaints.mail.EmailAccount"}
# A File knows whether its content came with it (an upload) or was read from a path (crm_plus.files).
override_doctype_class["File"] = "crm_plus.files.File"
doc_events["ToDo"] |= {
	"after_insert": "crm_plus.crm_complaints.doctype.crm_complaint.crm_complaint.set_handler_from_assignment",
	# A scope names its user's assigned customers: an assignment made or closed renews it.
	"on_update": "crm_plus.permissions.clear_scope_cache",
	"on_trash": "crm_plus.permissions.clear_scope_cache",
}

scheduler_events = {
	"cron": {
		"*/5 * * * *": ["crm_plus.crm_complaints.service_level.escalate"],
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
before_request = ["crm_plus.overrides.check_request_filters"]

# Every whitelisted function of the app is type-annotated (tests/test_api_annotations.py): Frappe
# validates the arguments of an annotated one on every request, guest endpoints included. Frappe v15.41
# does not read this hook (later versions refuse an unannotated whitelisted function when it is set).
require_type_annotated_api_methods = True

override_whitelisted_methods = {
	"frappe.desk.listview.get_group_by_count": "crm_plus.overrides.get_group_by_count",
	"frappe.client.get_count": "crm_plus.overrides.get_count",
	# Frappe v15 methods that answer or write without checking the record's permission.
	"frappe.desk.search.search_link": "crm_plus.overrides.search_link",
	"frappe.desk.search.search_widget": "crm_plus.overrides.search_widget",
	"frappe.desk.search.get_link_title": "crm_plus.overrides.get_link_title",
	"frappe.email.relink": "crm_plus.overrides.relink",
	"frappe.desk.like.toggle_like": "crm_plus.overrides.toggle_like",
	"frappe.core.doctype.sms_settings.sms_settings.get_contact_number": "crm_plus.overrides.get_contact_number",
	"frappe.desk.form.utils.get_next": "crm_plus.overrides.get_next",
	"frappe.contacts.doctype.address.address.get_default_address": "crm_plus.overrides.get_default_address",
	"frappe.desk.doctype.tag.tag.get_tagged_docs": "crm_plus.overrides.get_tagged_docs",
	"frappe.desk.doctype.kanban_board.kanban_board.update_order": "crm_plus.overrides.update_kanban_order",
	"frappe.desk.doctype.kanban_board.kanban_board.update_order_for_single_card": "crm_plus.overrides.move_kanban_card",
	"frappe.desk.doctype.kanban_board.kanban_board.add_card": "crm_plus.overrides.add_kanban_card",
	"frappe.desk.notifications.get_open_count": "crm_plus.overrides.get_open_count",
}

# The knowledge base: staff read the published solutions, their writers the drafts too.
permission_query_conditions["CRM Solution"] = (
	"crm_plus.crm_complaints.doctype.crm_solution.crm_solution.query_conditions"
)
has_permission["CRM Solution"] = "crm_plus.crm_complaints.doctype.crm_solution.crm_solution.has_permission"
# Kanban boards of the app's DocTypes keep no card order: every desk user reads a shared board, and
# Frappe would store in it the names of the cards its writer sees (crm_plus.crm_sales.kanban).
doc_events["Kanban Board"] = {"validate": ["crm_plus.overrides.clear_kanban_card_order"]}
# Names the desk puts into an attribute unescaped: a tag (list view), a Kanban board (sidebar) keeps no
# quote or angle bracket (crm_plus.stored_text.refuse_unsafe_name).
for _doctype in ("Tag", "Kanban Board"):
	_events = doc_events.setdefault(_doctype, {})
	for _event in ("before_insert", "validate", "before_rename"):
		_methods = _events.get(_event) or []
		_events[_event] = [
			*([_methods] if isinstance(_methods, str) else _methods),
			"crm_plus.stored_text.refuse_unsafe_name",
		]

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
for _doctype in [*_sanitized_app, *_sanitized_framework]:
	_events = doc_events.setdefault(_doctype, {})
	for _event in ("validate", "before_update_after_submit"):
		_methods = _events.get(_event) or []
		_events[_event] = [
			*([_methods] if isinstance(_methods, str) else _methods),
			"crm_plus.stored_text.guard",
		]
