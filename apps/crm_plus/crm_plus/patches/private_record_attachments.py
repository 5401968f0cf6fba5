"""Files attached to the app's records become private: public files were listed to every user
(Frappe's File rule lets any public file through), and customer documents are not public."""

from crm_plus.files import make_private, record_files


def execute():
	for name in record_files(is_private=0):
		make_private(name)
