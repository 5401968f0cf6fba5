"""Files attached to the app's records become private: public files were listed to every user
(Frappe's File rule lets any public file through), and customer documents are not public."""

import frappe

from crm_plus.security.conditions import ruled_record_types


def execute():
	for name in frappe.get_all(
		"File",
		filters={
			"attached_to_doctype": ("in", sorted(ruled_record_types())),
			"is_private": 0,
			"is_folder": 0,
		},
		pluck="name",
	):
		file = frappe.get_doc("File", name)
		file.is_private = 1
		file.flags.ignore_permissions = True
		file.save()
