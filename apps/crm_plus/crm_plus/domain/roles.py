"""The roles CRM Plus creates on install (MISSION section 3) and how they group for the rules."""

SALES_USER = "CRM Sales User"
SALES_MANAGER = "CRM Sales Manager"
DIVISION_HEAD = "CRM Division Head"
SERVICE_AGENT = "CRM Service Agent"
SERVICE_SUPERVISOR = "CRM Service Supervisor"
SERVICE_MANAGER = "CRM Service Manager"
EXECUTIVE = "CRM Executive"
ADMIN = "CRM Admin"

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
UNRESTRICTED_ROLES = frozenset({ADMIN, EXECUTIVE, "System Manager", "Administrator"})
SERVICE_ROLES = frozenset({SERVICE_AGENT, SERVICE_SUPERVISOR, SERVICE_MANAGER})
# Roles allowed to override a customer's grade by hand.
GRADE_OVERRIDE_ROLES = frozenset({SALES_MANAGER, DIVISION_HEAD, ADMIN, "System Manager"})
