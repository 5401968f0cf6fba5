"""Records whose every text carries script payloads, for the browser test tests/browser/xss.test.mjs.

Texts are stored the way users store them: saved as the rep who owns them (Frappe sanitises HTML on
save), and the manual-grade reason through the app's own method (which writes it as given). The
survey template's texts are an admin's. Called from browser_fixtures.setup; idempotent per run."""

import frappe
from frappe.utils import add_to_date, now_datetime, today

from crm_plus.tests.utils import make_user

PAYLOADS = (
	'<img src=x onerror="window.__xss=1">',
	'" autofocus onfocus="window.__xss=2" x="',
	"</script><script>window.__xss=3</script>",
	"<svg onload=window.__xss=4>",
)
# Fields whose own validation refuses any text that is not a phone, an address or a code.
VALIDATED = {"tax_id", "company_phone", "fax", "landline", "mobile", "email", "id_number", "website", "phone"}
TEXT_TYPES = ("Data", "Small Text", "Text", "Text Editor", "Long Text")


def payload_fields(doctype: str) -> list[str]:
	meta = frappe.get_meta(doctype)
	return [
		df.fieldname
		for df in meta.fields
		if df.fieldtype in TEXT_TYPES
		and not df.read_only
		and not df.permlevel
		and not df.options
		and df.fieldname not in VALIDATED
	]


def poisoned(doctype: str, index: int = 0) -> dict:
	return {
		field: f"{field} {PAYLOADS[(i + index) % len(PAYLOADS)]}"
		for i, field in enumerate(payload_fields(doctype))
	}


def setup(password: str) -> dict:
	rep = make_user("browser-xss-rep@test.example", ["CRM Sales User"], first_name="XSS Rep")
	manager = make_user("browser-xss-manager@test.example", ["CRM Sales User", "CRM Sales Manager"])
	for user in (rep, manager):
		doc = frappe.get_doc("User", user)
		doc.new_password = password
		doc.save(ignore_permissions=True)
	suffix = frappe.generate_hash(length=6)
	# The rep's team of this run (an earlier run's team is left: the customer names this one).
	division = frappe.get_doc({"doctype": "CRM Division", "division_name": f"XSS division {suffix}"}).insert(
		ignore_permissions=True
	)
	team = frappe.get_doc(
		{
			"doctype": "CRM Sales Team",
			"team_name": f"XSS team {suffix}",
			"division": division.name,
			"manager": manager,
			"members": [{"user": rep}],
		}
	).insert(ignore_permissions=True)
	frappe.set_user(rep)
	try:
		values = poisoned("CRM Customer") | {
			"customer_name": f"XSS {suffix} {PAYLOADS[0]}",
			"customer_kind": "Enterprise",
			"account_manager": rep,
			"sales_team": team.name,
			"key_people": [poisoned("CRM Customer Key Person", 1) | {"person_name": f"P {PAYLOADS[1]}"}],
		}
		customer = frappe.get_doc({"doctype": "CRM Customer", **values}).insert()
		complaint = frappe.get_doc(
			{"doctype": "CRM Complaint", "customer": customer.name, **poisoned("CRM Complaint", 2)}
			| {"subject": f"S {PAYLOADS[3]}", "description": f"D {PAYLOADS[0]}"}
		).insert()
		transaction = frappe.get_doc(
			{"doctype": "CRM Customer Transaction", "customer": customer.name, "amount": 100}
			| poisoned("CRM Customer Transaction", 1)
		).insert()
		event = frappe.get_doc(
			{
				"doctype": "CRM Customer Event",
				"customer": customer.name,
				"event_type": "Other",
				"event_date": today(),
			}
			| poisoned("CRM Customer Event", 2)
		).insert()
		start = add_to_date(now_datetime(), hours=4)
		visit = frappe.get_doc(
			{"doctype": "CRM Visit", "customer": customer.name, "sales_rep": rep, **poisoned("CRM Visit", 3)}
			| {"planned_start": start, "planned_end": add_to_date(start, hours=1)}
		).insert()
	finally:
		frappe.set_user("Administrator")
	# The manual grade's reason, written by the app's method as the manager typed it.
	from crm_plus.crm_customers.grading import override_grade

	frappe.set_user(manager)
	try:
		override_grade(customer.name, "VIP", f"reason {PAYLOADS[0]} {PAYLOADS[1]}")
	finally:
		frappe.set_user("Administrator")
	# Masters an admin keeps: their descriptions are shown to every user.
	masters = {}
	for doctype, field in (
		("CRM Complaint Category", "category_name"),
		("CRM Customer Source", "source_name"),
		("CRM Industry", "industry_name"),
	):
		masters[doctype] = (
			frappe.get_doc(
				{"doctype": doctype, field: f"XSS {suffix}", "description": f"d {PAYLOADS[0]} {PAYLOADS[1]}"}
			)
			.insert(ignore_permissions=True)
			.name
		)
	template = frappe.get_doc(
		{
			"doctype": "CRM Survey Template",
			"template_name": f"XSS template {suffix}",
			"introduction": f"intro {PAYLOADS[0]}",
			"thank_you": f"thanks {PAYLOADS[3]}",
			"questions": [
				{
					"section": f"sec {PAYLOADS[1]}",
					"question": f"q1 {PAYLOADS[0]}",
					"question_type": "Satisfaction",
					"required": 1,
				},
				{
					"question": f"q2 {PAYLOADS[2]}",
					"question_type": "Single Choice",
					"options": f"A {PAYLOADS[1]}\nB {PAYLOADS[0]}",
				},
				{"question": f"q3 {PAYLOADS[3]}", "question_type": "Text"},
			],
		}
	).insert(ignore_permissions=True)
	campaign = frappe.get_doc(
		{
			"doctype": "CRM Survey Campaign",
			"campaign_name": f"XSS campaign {suffix}",
			"template": template.name,
			"filter_account_manager": rep,
		}
	).insert(ignore_permissions=True)
	campaign.start()
	token = frappe.db.get_value(
		"CRM Survey Invitation", {"campaign": campaign.name, "customer": customer.name}, "token"
	)
	composed_views = composed(password, rep, manager, team.name, division.name, suffix)
	return {
		"composed": composed_views,
		"user": rep,
		"manager": manager,
		"customer": customer.name,
		"customer_name": values["customer_name"],
		"complaint": complaint.name,
		"visit": visit.name,
		"transaction": transaction.name,
		"event": event.name,
		"masters": masters,
		"survey_token": token,
	}


# Payload classes of issue 21 for the text the app composes or shows itself (tests/browser/xss.test.mjs,
# the second test). Each carries `data-xss` (kept by Frappe's sanitizer), so a payload that becomes an
# element is found even when its handler was stripped; one that runs sets window.__xss.
COMPOSED = {
	"json_img": '"<img data-xss src=x onerror=window.__xss=11>"',  # passes Frappe's sanitizer (JSON)
	"entity_img": "&lt;img data-xss src=x onerror=window.__xss=12&gt;",
	"json_svg": '"<svg data-xss onload=window.__xss=13>"',
	"breakout": '" data-xss autofocus onfocus="window.__xss=14" x="',
	"template": "{{ 7*7 }} {%= (window.__xss=15) %} ${(window.__xss=16)} [[window.__xss=17]]",
	"img": "<img data-xss src=x onerror=window.__xss=18>",
	"javascript": "javascript:window.__xss=19",
}


def composed(password: str, rep: str, manager: str, team: str, division: str, suffix: str) -> dict:
	"""A second rep (whose own name is a payload), an agent, a supervisor and an executive; the second
	rep's customer and opportunities, a transfer, a complaint with a customer's mail and a published
	solution, and an escalation in the bell: every text a payload, stored as each writer's save keeps
	it (a JSON-looking value passes Frappe's sanitizer raw), viewed by the higher roles."""
	rep2 = make_user("browser-xss-rep2@test.example", ["CRM Sales User"])
	agent = make_user("browser-xss-agent@test.example", ["CRM Service Agent"])
	supervisor = make_user("browser-xss-supervisor@test.example", ["CRM Service Supervisor"])
	executive = make_user("browser-xss-exec@test.example", ["CRM Executive"])
	for user in (rep2, agent, supervisor, executive):
		doc = frappe.get_doc("User", user)
		doc.new_password = password
		doc.save(ignore_permissions=True)
	team_doc = frappe.get_doc("CRM Sales Team", team)
	team_doc.append("members", {"user": rep2})
	team_doc.save(ignore_permissions=True)
	division_doc = frappe.get_doc("CRM Division", division)
	for user in (agent, supervisor):
		division_doc.append("service_staff", {"user": user})
	division_doc.save(ignore_permissions=True)
	frappe.db.commit()

	frappe.set_user(rep2)
	try:
		customer = frappe.get_doc(
			{
				"doctype": "CRM Customer",
				"customer_name": f"XSS customer {suffix}",
				"customer_kind": "Enterprise",
				"account_manager": rep2,
				"sales_team": team,
			}
		).insert()
		titles = (COMPOSED["entity_img"], COMPOSED["json_svg"], COMPOSED["breakout"], COMPOSED["template"])
		opportunities = [
			frappe.get_doc(
				{
					"doctype": "CRM Opportunity",
					"title": f"XSS opportunity {suffix} {i}",
					"customer": customer.name,
					"account_manager": rep2,
					"sales_team": team,
					"expected_amount": 1000,
					"description": COMPOSED["img"],
				}
			)
			.insert()
			.name
			for i in range(len(titles))
		]
	finally:
		frappe.set_user("Administrator")
	# The server cleans what a user writes (crm_plus.stored_text); these views must be safe even for
	# values stored before that guard existed, so the payloads go in raw, as an old site may hold them.
	for name, title in zip(opportunities, titles, strict=True):
		frappe.db.set_value("CRM Opportunity", name, "title", title, update_modified=False)
	raw_name = COMPOSED["json_img"].replace("<img", f"<img title={suffix}")
	frappe.db.set_value("CRM Customer", customer.name, "customer_name", raw_name, update_modified=False)
	for name in opportunities:
		frappe.db.set_value("CRM Opportunity", name, "party_name", raw_name, update_modified=False)
	rep_name = COMPOSED["json_img"].replace("11", "21")
	frappe.db.set_value("User", rep2, {"first_name": rep_name, "full_name": rep_name}, update_modified=False)
	# The rep has not been seen for weeks: the Inactive Staff report lists them by name.
	frappe.db.set_value("User", rep2, {"last_login": None, "last_active": None}, update_modified=False)

	# The manager transfers the rep's customers to themselves; the reason (a plain tag) is written past the
	# sanitizer into the transfer and the customer's events.
	frappe.set_user(manager)
	try:
		transfer = frappe.get_doc(
			{
				"doctype": "CRM Customer Transfer",
				"from_user": rep2,
				"to_user": manager,
				"transfer_date": today(),
				"reason": f"left {COMPOSED['img']} {COMPOSED['entity_img']}",
			}
		).insert()
		transfer.submit()
	finally:
		frappe.set_user("Administrator")
	event = frappe.db.get_value(
		"CRM Customer Event", {"customer": customer.name, "event_type": "Ownership Change"}, "name"
	)

	# A supervisor's published solution; the agent's complaint, answered by the customer's mail.
	category = frappe.db.get_value("CRM Complaint Category", {"is_group": 0}, "name")
	solution = frappe.get_doc(
		{
			"doctype": "CRM Solution",
			"title": f"XSS solution {suffix}",
			"category": category,
			"problem": "XSS problem",
			"solution": "<p>Refund the fee.</p>",
			"published": 1,
		}
	).insert(ignore_permissions=True)
	frappe.db.set_value(
		"CRM Solution", solution.name, "problem", COMPOSED["entity_img"], update_modified=False
	)
	frappe.set_user(agent)
	try:
		complaint = frappe.get_doc(
			{
				"doctype": "CRM Complaint",
				"customer": customer.name,
				"category": category,
				"severity": "High",
				"received_at": add_to_date(now_datetime(), days=-6),
				"subject": f"XSS complaint {suffix}",
				"description": "XSS",
				"raised_by": "customer-xss@example.com",
			}
		).insert()
	finally:
		frappe.set_user("Administrator")
	frappe.db.set_value(
		"CRM Complaint",
		complaint.name,
		{
			"subject": COMPOSED["json_img"].replace("11", "22"),
			"description": COMPOSED["entity_img"],
			"customer_name": raw_name,
		},
		update_modified=False,
	)
	frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Email",
			"sent_or_received": "Received",
			"sender": "customer-xss@example.com",
			"subject": "Broken",
			"content": "<p>Still broken. &lt;img data-xss src=x onerror=window.__xss=23&gt;</p>",
			"reference_doctype": "CRM Complaint",
			"reference_name": complaint.name,
		}
	).insert(ignore_permissions=True)
	# The escalation job: the complaint is days past its deadline, the division's supervisor is told.
	from crm_plus.crm_complaints import service_level

	service_level.escalate()
	frappe.db.commit()
	return {
		"rep": rep2,
		"agent": agent,
		"supervisor": supervisor,
		"executive": executive,
		"customer": customer.name,
		"customer_name": raw_name,
		"opportunities": opportunities,
		"transfer": transfer.name,
		"event": event,
		"complaint": complaint.name,
		"solution": solution.name,
	}
