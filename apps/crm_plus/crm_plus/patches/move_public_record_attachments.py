"""Attachments of the app's records uploaded as public were written under /files/ (which anyone may
fetch without a login) while their File rows were marked private (the attachment check ran after
Frappe had written them). Their files move to the private folder; uploads no longer do this
(crm_plus.files.own_copy)."""

import frappe

from crm_plus.files import make_private, record_files


def execute():
	for name in record_files(is_private=1, file_url=("like", "/files/%")):
		frappe.db.savepoint("crm_plus_move_attachment")
		try:
			# Frappe moves a file between the folders when is_private changes: from public, to private.
			frappe.db.set_value("File", name, "is_private", 0, update_modified=False)
			make_private(name)
		except Exception:
			frappe.db.rollback(save_point="crm_plus_move_attachment")
			frappe.log_error(title=f"CRM Plus: attachment {name} could not be moved to the private folder")
