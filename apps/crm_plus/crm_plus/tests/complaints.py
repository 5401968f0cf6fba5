"""Shared helpers of the complaint tests (the complaint's own, beside its DocType, and the response
clock's): a complaint of a scenario, its stored answer, and the service organisation of division A."""

from datetime import datetime

import frappe

from crm_plus.tests.utils import Org, make_user, serve_division

MONDAY_9 = datetime(2026, 11, 16, 9, 0)  # the default policy: respond by 09:10, resolve by 14:00


def make_complaint(customer, **fields):
	return frappe.get_doc(
		{
			"doctype": "CRM Complaint",
			"customer": customer,
			"subject": fields.pop("subject", "快件延误三天"),
			"description": fields.pop("description", "The shipment to Shanghai arrived three days late."),
			"received_at": fields.pop("received_at", MONDAY_9),
			"severity": fields.pop("severity", "Medium"),
			**fields,
		}
	).insert()


def committed_complaint(values: dict) -> str:
	"""A complaint of `values` inserted as set-up data (permissions aside) and committed, so that requests
	see it; its name."""
	doc = frappe.get_doc({"doctype": "CRM Complaint", **values})
	doc.flags.ignore_permissions = True
	doc.insert()
	frappe.db.commit()
	return doc.name


def answered(doc, moment=datetime(2026, 11, 16, 9, 6)) -> None:
	"""Stored data of a scenario: the complaint was answered at `moment` (in time, by default), so only
	the resolution ladder climbs (the response ladder has its tests in test_response_sla)."""
	frappe.db.set_value("CRM Complaint", doc.name, "first_response_at", moment, update_modified=False)


def service_org(case) -> None:
	"""The case's organisation with a supervisor and a service manager serving division A, and its
	customers graded Ordinary (the default policy's targets)."""
	case.org = Org()
	case.supervisor = make_user("org-supervisor-a@test.example", ["CRM Service Supervisor"])
	case.service_manager = make_user("org-service-manager@test.example", ["CRM Service Manager"])
	# The service manager oversees the division: escalations reach only those who may read them.
	serve_division(case.org.div_a, case.supervisor, case.service_manager)
	frappe.db.set_value("CRM Customer", [case.org.c_a1, case.org.c_a2, case.org.c_b], "grade", "Ordinary")


def handler_notification(name: str, field: str, subject: str, message: str):
	"""An admin's no-code Notification: a site notification to a complaint's handler when `field` changes."""
	return frappe.get_doc(
		{
			"doctype": "Notification",
			"name": name,
			"subject": subject,
			"document_type": "CRM Complaint",
			"event": "Value Change",
			"value_changed": field,
			"channel": "System Notification",
			"recipients": [{"receiver_by_document_field": "handler"}],
			"message": message,
			"enabled": 1,
		}
	).insert(ignore_permissions=True)
