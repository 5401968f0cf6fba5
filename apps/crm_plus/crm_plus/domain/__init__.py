"""Pure business rules of CRM Plus.

Every module here takes plain values (numbers, dates, strings, dicts, lists) and returns plain
values. Nothing under this package may import frappe: the rules are tested without a site and the
Frappe shell (controllers, jobs, reports, permission hooks) gathers data and calls them.
"""
