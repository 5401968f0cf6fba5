"""The security shell in one table: for every DocType of the app, and every framework DocType the app
guards, the kind of rule it follows.

hooks.py builds its permission wiring from this table (`permission_query_conditions`, `has_permission`
and the write guards in `doc_events`); crm_plus.security.conditions writes each kind once, as one SQL
condition used for lists (permission_query_conditions) and run on the stored row for a single record
(has_permission). A DocType added to the app gets its isolation by one line here;
tests/test_security_table.py fails while an app DocType is missing. docs/DEVELOPING.md ("The security
shell") shows how a request passes the shell.

Framework-free (hooks.py imports it before Frappe is loaded).
"""

from dataclasses import dataclass

# ---------------------------------------------------------------- the kinds of rule

# Ruled like a customer on its own columns (owner `account_manager`, `sales_team`, `division`, open
# assignments, the pool): crm_plus.domain.access. Writes go only where the user may put them.
CUSTOMER_RULE = "customer rule"
# Belongs to a record (`of`, named by `field`): seen by whoever sees that record, edited by whoever
# edits it.
BELONGS_TO = "belongs to"
# A rep's record of a customer (visits): its rep and the rep's managers, and whoever sees the customer.
REP_OR_CUSTOMER = "rep or customer"
# Handled for a customer (complaints): its handler, and whoever reads the customer (service staff
# handle the complaints of the customers they serve).
HANDLER_OR_CUSTOMER = "handler or customer"
# Owned by a rep (`field`: the rep fields): the rep and the rep's managers and division head, and the
# user named in `users`. `placed`: written only for a rep of the user's (sales targets).
OWNED_BY_REP = "owned by a rep"
# Against one record of `of` (activities: the lead, customer or opportunity), seen with that record.
AGAINST = "against a record"
# Points at a record by DocType and name (`field`: the two fields) among `of`; nothing else (pool log).
LOG_OF = "log of a record"
# A row of the app's child table (`of`: its parent): read and written with its parent only.
CHILD_ROW = "child row"
# A framework record attached to another record (`field`: its DocType and name fields): File, Comment,
# Tag Link ... of the app's records follow the record's rule; the rest stays Frappe's.
REFERENCE = "reference"
# A contact or address: whoever may read (edit) a customer it is linked to, and its creator. CRM users
# only: System Managers and users without a CRM role keep Frappe's rules.
CONTACT = "contact of a customer"
# A row of a framework DocType above (`of`: its parents): seen by whoever sees its parent.
FRAMEWORK_ROW = "framework row"
# The knowledge base: published records for staff, drafts for their writers.
PUBLISHED = "published"
# Masters, settings and the organisation: role permissions alone (read by staff, written by the roles
# the DocType names, mostly CRM Admin); their child tables too.
MASTER = "master"
# A framework DocType without a row rule of the app, whose writes the app guards (`guards`).
GUARDED = "guarded writes"

# Kinds with an SQL condition (lists) and kinds whose single records the shell checks (has_permission).
LISTED = frozenset(
	{
		CUSTOMER_RULE,
		BELONGS_TO,
		REP_OR_CUSTOMER,
		HANDLER_OR_CUSTOMER,
		OWNED_BY_REP,
		AGAINST,
		LOG_OF,
		CHILD_ROW,
		REFERENCE,
		CONTACT,
		FRAMEWORK_ROW,
		PUBLISHED,
	}
)
CHECKED = LISTED - {CHILD_ROW, REFERENCE, FRAMEWORK_ROW}  # rows: Frappe checks the parent


@dataclass(frozen=True)
class Rule:
	kind: str
	of: str | tuple[str, ...] | None = None  # the record(s) whose rule this follows
	field: str | tuple[str, ...] | None = None  # the field(s) naming that record, or the rep fields
	users: tuple[str, ...] = ()  # OWNED_BY_REP: fields naming a user who also sees the record
	placed: bool = False  # OWNED_BY_REP: written only for a rep of the user's
	# Write guards of this DocType beyond its kind's: names in crm_plus.security.guards (validate), or
	# "event:name", or a dotted path.
	guards: tuple[str, ...] = ()
	has_permission: str | None = None  # a single-record check of its own, before the kind's
	# Public with a token: the field holding the token by which a guest reaches this one record through
	# the app's public pages (crm_plus.public_links.record_by_token), never through a DocType endpoint.
	token: str | None = None


CUSTOMER = "CRM Customer"
OPPORTUNITY = "CRM Opportunity"

RULES: dict[str, Rule] = {
	# ------------------------------------------------ the app's records
	CUSTOMER: Rule(CUSTOMER_RULE),
	"CRM Lead": Rule(CUSTOMER_RULE),
	OPPORTUNITY: Rule(CUSTOMER_RULE, guards=("check_customer_link",)),
	"CRM Customer Transaction": Rule(BELONGS_TO, of=CUSTOMER, field="customer"),
	"CRM Customer Status Log": Rule(BELONGS_TO, of=CUSTOMER, field="customer"),
	"CRM Customer Grade Log": Rule(BELONGS_TO, of=CUSTOMER, field="customer"),
	"CRM Customer Event": Rule(BELONGS_TO, of=CUSTOMER, field="customer"),
	"CRM Survey Invitation": Rule(BELONGS_TO, of=CUSTOMER, field="customer", token="token"),
	"CRM Survey Response": Rule(BELONGS_TO, of=CUSTOMER, field="customer"),
	"CRM Contract": Rule(BELONGS_TO, of=CUSTOMER, field="customer"),
	"CRM Opportunity Stage Log": Rule(BELONGS_TO, of=OPPORTUNITY, field="opportunity"),
	"CRM Visit": Rule(REP_OR_CUSTOMER, of=CUSTOMER, field="customer"),
	"CRM Complaint": Rule(HANDLER_OR_CUSTOMER, of=CUSTOMER, field="customer", token="feedback_token"),
	"CRM Visit Plan": Rule(OWNED_BY_REP, field="sales_rep", users=("approver",)),
	"CRM Sales Target": Rule(OWNED_BY_REP, field="sales_rep", placed=True),
	"CRM Customer Transfer": Rule(OWNED_BY_REP, field=("from_user", "to_user"), users=("owner",)),
	"CRM Activity": Rule(AGAINST, of=("CRM Lead", CUSTOMER, OPPORTUNITY)),
	"CRM Pool Log": Rule(LOG_OF, of=("CRM Lead", CUSTOMER), field=("reference_doctype", "reference_name")),
	"CRM Solution": Rule(PUBLISHED),
	# ------------------------------------------------ rows of the app's records
	"CRM Customer Key Person": Rule(CHILD_ROW, of=CUSTOMER),
	"CRM Survey Answer": Rule(CHILD_ROW, of="CRM Survey Response"),
	"CRM Visit Plan Item": Rule(CHILD_ROW, of="CRM Visit Plan"),
	"CRM Complaint Forward": Rule(CHILD_ROW, of="CRM Complaint"),
	"CRM Complaint Escalation": Rule(CHILD_ROW, of="CRM Complaint"),
	"CRM Customer Transfer Item": Rule(CHILD_ROW, of="CRM Customer Transfer"),
	# ------------------------------------------------ masters, settings, the organisation
	"CRM Complaint Category": Rule(MASTER),
	"CRM SLA Policy": Rule(MASTER),
	"CRM SLA Holiday": Rule(MASTER),
	"CRM SLA Working Hour": Rule(MASTER),
	"CRM Customer Grade": Rule(MASTER),
	"CRM Customer Source": Rule(MASTER),
	"CRM Customer Type": Rule(MASTER),
	"CRM Industry": Rule(MASTER),
	"CRM Lost Reason": Rule(MASTER),
	"CRM Opportunity Stage": Rule(MASTER),
	"CRM Region": Rule(MASTER),
	"CRM Division": Rule(MASTER),
	"CRM Division Member": Rule(MASTER),
	"CRM Sales Team": Rule(MASTER),
	"CRM Sales Team Member": Rule(MASTER),
	"CRM Plus Settings": Rule(MASTER),
	"CRM Sent Notification": Rule(MASTER),
	"CRM Survey Campaign": Rule(MASTER),
	"CRM Survey Template": Rule(MASTER),
	"CRM Survey Question": Rule(MASTER),
	# ------------------------------------------------ framework DocTypes the app guards
	"File": Rule(
		REFERENCE,
		field=("attached_to_doctype", "attached_to_name"),
		guards=("check_attachment",),
		# A new File naming a private path needs a readable record holding it.
		has_permission="crm_plus.files.file_has_permission",
	),
	"Tag Link": Rule(REFERENCE, field=("document_type", "document_name")),
	"Communication": Rule(REFERENCE, field=("reference_doctype", "reference_name")),
	"Comment": Rule(REFERENCE, field=("reference_doctype", "reference_name")),
	"Energy Point Log": Rule(REFERENCE, field=("reference_doctype", "reference_name")),
	"Contact": Rule(CONTACT),
	"Address": Rule(CONTACT),
	"Contact Phone": Rule(FRAMEWORK_ROW, of=("Contact",)),
	"Contact Email": Rule(FRAMEWORK_ROW, of=("Contact",)),
	"Dynamic Link": Rule(FRAMEWORK_ROW, of=("Contact", "Address")),
	"Event Participants": Rule(FRAMEWORK_ROW, of=("Event",)),
	"Event": Rule(GUARDED, guards=("check_event_participants",)),
	"Document Follow": Rule(GUARDED, guards=("check_follow",)),
	# An open assignment grants access: only a user who may edit the record may make one.
	"ToDo": Rule(GUARDED, guards=("check_assignment",)),
	"Version": Rule(GUARDED, guards=("before_insert:mask_version",)),
	# Boards of the app's DocTypes keep no card order (every desk user reads a shared board).
	"Kanban Board": Rule(GUARDED, guards=("crm_plus.crm_sales.kanban.clear_kanban_card_order",)),
}

# ---------------------------------------------------------------- the wiring hooks.py reads

CONDITIONS = "crm_plus.security.conditions"
GUARDS = "crm_plus.security.guards"
# Guards each kind brings, in the order they run.
KIND_GUARDS = {
	CUSTOMER_RULE: ("check_placement",),
	AGAINST: ("check_activity_target",),
	CHILD_ROW: ("refuse_standalone_row",),
	CONTACT: ("check_contact_links",),
}


def child_tables() -> dict[str, str]:
	"""The app's child tables of ruled records: {child: parent}."""
	return {doctype: rule.of for doctype, rule in RULES.items() if rule.kind == CHILD_ROW}


def query_condition_hooks() -> dict[str, str]:
	return {dt: f"{CONDITIONS}.query_conditions" for dt, rule in RULES.items() if rule.kind in LISTED}


def has_permission_hooks() -> dict[str, list[str]]:
	hooks = {}
	for doctype, rule in RULES.items():
		methods = [rule.has_permission] if rule.has_permission else []
		if rule.kind in CHECKED:
			methods.append(f"{CONDITIONS}.has_permission")
		if methods:
			hooks[doctype] = methods[0] if len(methods) == 1 else methods
	return hooks


def _path(guard: str) -> str:
	return guard if "." in guard else f"{GUARDS}.{guard}"


def guard_hooks() -> dict[str, dict[str, list[str]]]:
	"""doc_events of the write guards: {doctype: {event: [methods]}}."""
	parents = set(child_tables().values())
	events = {}
	for doctype, rule in RULES.items():
		names = [g for g in KIND_GUARDS.get(rule.kind, ()) if g != "check_placement"]
		if rule.of == CUSTOMER and rule.kind != CHILD_ROW:
			# A record that names its customer: a new one, or one moved to another customer, needs access
			# to that customer too.
			names.insert(0, "check_customer_link")
		names += [g for g in rule.guards if g not in names and g != "check_placement"]
		if doctype in parents:
			# Rows are saved with their parent, and a parent's rows must be its own.
			names.append("check_rows_belong")
		if "check_placement" in (*KIND_GUARDS.get(rule.kind, ()), *rule.guards):
			names.append("check_placement")
		for name in names:
			event, _sep, method = name.rpartition(":") if ":" in name else ("validate", "", name)
			events.setdefault(doctype, {}).setdefault(event, []).append(_path(method))
	return events
