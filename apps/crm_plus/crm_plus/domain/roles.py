"""The roles CRM Plus creates on install (MISSION section 3) and how they group for the rules."""

SALES_USER = "CRM Sales User"
SALES_MANAGER = "CRM Sales Manager"
DIVISION_HEAD = "CRM Division Head"
SERVICE_AGENT = "CRM Service Agent"
SERVICE_SUPERVISOR = "CRM Service Supervisor"
SERVICE_MANAGER = "CRM Service Manager"
EXECUTIVE = "CRM Executive"
ADMIN = "CRM Admin"
# Frappe's own administrators: Administrator holds every role, System Manager among them.
SYSTEM_MANAGER = "System Manager"
ADMINISTRATOR = "Administrator"

ALL_ROLES = (
	"CRM Sales User",
	"CRM Sales Manager",
	"CRM Division Head",
	"CRM Service Agent",
	"CRM Service Supervisor",
	"CRM Service Manager",
	"CRM Executive",
	"CRM Admin",
)

# Roles that see every customer of every division.
UNRESTRICTED_ROLES = frozenset({ADMIN, EXECUTIVE, SYSTEM_MANAGER, ADMINISTRATOR})
SERVICE_ROLES = frozenset({SERVICE_AGENT, SERVICE_SUPERVISOR, SERVICE_MANAGER})
# Roles allowed to override a customer's grade by hand.
GRADE_OVERRIDE_ROLES = frozenset({SALES_MANAGER, DIVISION_HEAD, ADMIN, SYSTEM_MANAGER})
# Roles that give a customer, lead or opportunity to another rep (change its owner) by hand.
OWNER_CHANGE_ROLES = GRADE_OVERRIDE_ROLES | {EXECUTIVE}
# Who writes the knowledge base's solutions, and who also reads the unpublished ones (drafts).
SOLUTION_WRITERS = frozenset({SYSTEM_MANAGER, ADMIN, SERVICE_MANAGER, SERVICE_SUPERVISOR})
SOLUTION_DRAFT_READERS = SOLUTION_WRITERS | {EXECUTIVE}
