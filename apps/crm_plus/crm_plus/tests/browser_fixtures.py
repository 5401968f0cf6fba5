"""Data for the browser tests (tests/browser): run with
`bench --site SITE execute crm_plus.tests.browser_fixtures.setup`. Idempotent; prints JSON."""

import json

import frappe
from frappe.utils import add_to_date, now_datetime

from crm_plus.tests.utils import make_user
from crm_plus.utils import allow_server_fields

PASSWORD = "Crm-Browser-Pass-2026!"
SHOP = (39.9354, 119.6005)


def setup() -> str:
	frappe.local.conf["throttle_user_limit"] = 100_000
	# A test site skips Frappe's setup wizard, which would otherwise greet every desk user.
	frappe.db.set_single_value(
		"System Settings",
		{
			"setup_complete": 1,
			"date_format": "yyyy-mm-dd",
			"time_format": "HH:mm:ss",
			"time_zone": "Asia/Shanghai",
			"language": "zh",
			"country": "China",
		},
	)
	if not frappe.db.get_default("currency"):
		frappe.db.set_default("currency", "CNY")  # amounts in yuan, as a Chinese company's site has
	rep = browser_user("browser-rep@test.example", "CRM Sales User", "王销售", "zh")
	name = frappe.db.get_value("CRM Customer", {"customer_name": "苏宁电器（浏览器测试）"})
	if not name:
		customer = frappe.get_doc(
			{
				"doctype": "CRM Customer",
				"customer_name": "苏宁电器（浏览器测试）",
				"account_manager": rep,
				"address": "河北大街1号",
				"company_phone": "0335-7000",  # not a seed number: the tests use those
				"latitude": SHOP[0],
				"longitude": SHOP[1],
			}
		).insert(ignore_permissions=True)
		name = customer.name
	visit = frappe.get_doc(
		{
			"doctype": "CRM Visit",
			"customer": name,
			"sales_rep": rep,
			"planned_start": add_to_date(now_datetime(), minutes=30),
			"planned_end": add_to_date(now_datetime(), minutes=90),
			"purpose": "Care",
		}
	).insert(ignore_permissions=True)
	# An English-speaking rep with a customer and a visit of his own (the desk in English).
	rep_en = browser_user("browser-rep-en@test.example", "CRM Sales User", "Tom Sales", "en")
	customer_en = frappe.db.get_value("CRM Customer", {"customer_name": "Harbour Trading (browser test)"})
	if not customer_en:
		customer_en = (
			frappe.get_doc(
				{
					"doctype": "CRM Customer",
					"customer_name": "Harbour Trading (browser test)",
					"account_manager": rep_en,
					"company_phone": "0335-7001",
					"latitude": SHOP[0],
					"longitude": SHOP[1],
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
	visit_en = frappe.get_doc(
		{
			"doctype": "CRM Visit",
			"customer": customer_en,
			"sales_rep": rep_en,
			"planned_start": add_to_date(now_datetime(), minutes=45),
			"purpose": "Sales",
		}
	).insert(ignore_permissions=True)
	# A supervisor serving the customer's division, and a complaint past its deadline.
	supervisor = browser_user("browser-supervisor@test.example", "CRM Service Supervisor", "李主管", "zh")
	division = "浏览器测试版块"
	if not frappe.db.exists("CRM Division", division):
		frappe.get_doc(
			{"doctype": "CRM Division", "division_name": division, "service_staff": [{"user": supervisor}]}
		).insert(ignore_permissions=True)
	frappe.db.set_value("CRM Customer", name, "division", division)
	complaint = frappe.get_doc(
		{
			"doctype": "CRM Complaint",
			"customer": name,
			"subject": "快件延误三天未送达",
			"description": "客户反映上海方向的快件延误三天。",
			"category": "Delivery Delay",
			"received_at": add_to_date(now_datetime(), days=-3),
		}
	).insert(ignore_permissions=True)
	from crm_plus.crm_complaints.service_level import escalate

	escalate()
	# A web complaint resolved today: its customer gets the feedback link (tests/browser/complaint-portal).
	resolved = frappe.get_doc(
		{
			"doctype": "CRM Complaint",
			"customer": name,
			"channel": "Web",
			"raised_by": "browser-customer@test.example",
			"subject": "发票抬头错误",
			"description": "发票抬头写错了公司名称。",
			"received_at": add_to_date(now_datetime(), hours=-2),
		}
	).insert(ignore_permissions=True)
	resolved.status = "Resolved"
	resolved.resolution = "已重新开具发票。"
	resolved.flags.ignore_permissions = True
	allow_server_fields(resolved).save()
	feedback_token = frappe.db.get_value("CRM Complaint", resolved.name, "feedback_token")
	token = survey_link_token("Browser test", rep, name)
	from crm_plus.tests.xss_fixtures import setup as xss_setup

	xss = xss_setup(PASSWORD)
	# A second link of the same customer, for the unhappy answer (tests/browser/survey-unhappy).
	unhappy_token = survey_link_token("Browser test unhappy", rep, name)
	lead = sales_fixture(rep)
	frappe.db.commit()
	frappe.clear_cache()
	result = {
		"lead": lead,
		"xss": xss,
		"user": rep,
		"password": PASSWORD,
		"customer": name,
		"visit": visit.name,
		"user_en": rep_en,
		"visit_en": visit_en.name,
		"shop": SHOP,
		"survey_token": token,
		"unhappy_survey_token": unhappy_token,
		"supervisor": supervisor,
		"complaint": complaint.name,
		"feedback_token": feedback_token,
	}
	print(json.dumps(result))
	return json.dumps(result)


def browser_user(email: str, role: str, first_name: str, language: str) -> str:
	"""A user of `role` who signs in with the fixture's password and sees the desk in `language`."""
	user = frappe.get_doc("User", make_user(email, [role], first_name=first_name))
	user.new_password = PASSWORD
	user.language = language
	user.save(ignore_permissions=True)
	return email


def survey_link_token(label: str, rep: str, customer: str) -> str:
	"""The token of `customer`'s invitation in a new satisfaction campaign of `rep`'s customers."""
	campaign = frappe.get_doc(
		{
			"doctype": "CRM Survey Campaign",
			"campaign_name": f"{label} {frappe.generate_hash(length=6)}",
			"template": "Customer Satisfaction",
			"filter_account_manager": rep,
		}
	).insert(ignore_permissions=True)
	campaign.start()
	return frappe.db.get_value(
		"CRM Survey Invitation", {"campaign": campaign.name, "customer": customer}, "token"
	)


def sales_fixture(rep: str) -> str:
	"""A qualified lead of the rep, for the conversion and the Kanban board (tests/browser/sales-kanban)."""
	from crm_plus.crm_sales.kanban import ensure_kanban_board

	ensure_kanban_board()
	team = frappe.db.get_value(
		"CRM Sales Team Member", {"user": rep, "parenttype": "CRM Sales Team"}, "parent"
	)
	return (
		frappe.get_doc(
			{
				"doctype": "CRM Lead",
				"lead_name": "赵经理",
				"company_name": f"秦皇岛港口物流（浏览器测试）{frappe.generate_hash(length=6)}",
				"status": "Qualified",
				"account_manager": rep,
				"sales_team": team,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)
