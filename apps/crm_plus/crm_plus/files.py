"""Uploads that tell nothing about other people's files.

Frappe v15 stores an upload whose content equals an existing file's (same content hash, both private
or both public) by pointing it at that file's path (`File.save_file`). The new File row then carries
the other file's URL: the app's attachment check refused it with a message naming that path, and where
no check refuses it, the uploader's file is served under the other file's name. Either way an upload
tells its user whether a document exists anywhere on the site and what it is called.

Here an upload shares a path only with a file of the same record (Frappe's duplicate on one record);
otherwise it gets its own copy, named as the uploader named it. The rule does not depend on who
uploads, so it holds on every path that makes a File with content: the form's attachment and
`upload_file`, a REST insert, Data Import, mail attachments, the public pages, private and public.

A File made from a private URL its user names (no content) needs a record the user may read holding
that URL (`file_has_permission`, before anything reads the path): otherwise the answer would differ
between a path that exists and one that does not.
"""

import os

import frappe
from frappe import _
from frappe.core.doctype.file.file import File as FrappeFile
from frappe.core.doctype.file.utils import generate_file_name
from frappe.model.document import Document
from frappe.utils import call_hook_method, get_hook_method

from crm_plus.domain import markup
from crm_plus.security.conditions import ruled_record_types


class File(FrappeFile):
	"""Frappe's File knowing whether its content came with it (override_doctype_class): Frappe reads a
	File made from a URL into `content` before any hook runs, so afterwards an upload and a pointer
	at an existing file look alike."""

	def before_insert(self):
		self.flags.crm_plus_uploaded = bool(self.get("content"))
		if self.flags.crm_plus_uploaded and self.file_name:
			# Frappe makes the file's address of the name it was uploaded with: no quote or angle bracket
			# of it may reach an attribute (`f0"<img src=x onerror=...>".txt`).
			self.file_name = markup.safe_file_name(self.file_name)
		elif not self.is_folder and not markup.allowed_file_address(self.file_url):
			frappe.throw(
				_(
					"A file's address must be a path of this site's files or a web address starting with http:// or https://, without quotes, angle brackets, backslashes or line breaks"
				),
				title=_("Address not accepted"),
			)
		super().before_insert()


def own_copy(doc, method=None) -> None:
	"""before_insert of File (after Frappe's own, which may have pointed the upload at another file)."""
	if doc.is_folder or doc.is_remote_file or not doc.flags.crm_plus_uploaded or not doc.file_url:
		# A folder, a link, or a File made from a path its caller named: never copied (a copy would hand
		# over a file the caller may not read); validate checks that the caller may read the path.
		return
	if not doc.is_private and doc.attached_to_doctype in ruled_record_types():
		# The app keeps its records' attachments private (security.guards.check_attachment, on validate),
		# but Frappe has already written a public upload under /files/, which anyone may fetch.
		public_path, public_url = doc.get_full_path(), doc.file_url
		doc.is_private = 1
		write_own_copy(doc)
		_remove_unheld(public_path, public_url, None)
		return
	holders = frappe.get_all(
		"File",
		filters={"file_url": doc.file_url},
		fields=["attached_to_doctype", "attached_to_name"],
	)
	if not holders:
		return  # Frappe wrote the upload to a path of its own
	same_record = doc.attached_to_doctype and doc.attached_to_name
	if same_record and any(
		h.attached_to_doctype == doc.attached_to_doctype
		and str(h.attached_to_name) == str(doc.attached_to_name)
		for h in holders
	):
		return  # the same content twice on one record: one file on disk, nothing learnt
	write_own_copy(doc)


def write_own_copy(doc) -> None:
	content = doc._content  # the upload's bytes as Frappe stores them (decoded, EXIF stripped)
	doc.file_name = generate_file_name(
		name=doc.file_name, suffix=(doc.content_hash or "")[-6:] or None, is_private=doc.is_private
	)
	doc.file_url = None
	doc._content = content
	call_hook_method("before_write_file", file_size=doc.file_size)
	if write_file := get_hook_method("write_file"):
		write_file(doc)
	else:
		doc.save_file_on_filesystem()
	path, url = doc.get_full_path(), doc.file_url
	frappe.db.after_rollback.add(lambda: _remove_unheld(path, url, None))


def remove_own_copy(doc, method=None) -> None:
	"""on_trash of File: Frappe keeps a file on disk while another File has the same content hash (it
	assumes they share the path); a copy of its own that no other File holds goes with its record."""
	if doc.is_folder or doc.is_remote_file or not doc.file_url:
		return
	_remove_unheld(doc.get_full_path(), doc.file_url, doc.name)


def _remove_unheld(path: str, url: str | None, name: str | None) -> None:
	if not url or not os.path.exists(path):
		return
	# Another File holding the path (also spelt with the site's address in front) keeps it.
	if frappe.db.exists("File", {"file_url": ("like", f"%{url}"), "name": ("!=", name or "")}):
		return
	os.remove(path)


def file_has_permission(doc, ptype=None, user=None, debug=False):
	"""has_permission of File (before Frappe's own). A new File naming a private path without content
	(a REST insert, `upload_file` with a `file_url`) is refused, with Frappe's one message for a refused
	insert, unless the user may read a File already holding that path: a path of another division's
	file and a path that does not exist get the same answer. None otherwise (Frappe decides)."""
	if ptype != "create" or not doc or not isinstance(doc, Document):
		return None
	user = user or frappe.session.user
	if user == "Administrator" or doc.get("content") or not doc.is_new():
		return None
	url = doc.get("file_url") or ""
	if not url.startswith("/private/"):
		return None
	holders = frappe.get_all("File", filters={"file_url": url}, pluck="name")
	# The checks of the holders' records write messages naming those records: none of them is kept.
	log, kept = frappe.local.message_log, len(frappe.local.message_log)
	checks = frappe.flags.get("has_permission_check_logs")
	checks = list(checks) if checks is not None else None
	readable = any(frappe.has_permission("File", "read", h, user=user) for h in holders)
	del log[kept:]
	if checks is not None:
		frappe.flags["has_permission_check_logs"] = checks
	return None if readable else False


def record_files(**filters) -> list[str]:
	"""The File rows (names) attached to the app's records, folders left out, that match `filters`."""
	return frappe.get_all(
		"File",
		filters={"attached_to_doctype": ("in", sorted(ruled_record_types())), "is_folder": 0, **filters},
		pluck="name",
	)


def make_private(name: str) -> None:
	"""Save the File private (Frappe moves a public file's content to the private folder)."""
	file = frappe.get_doc("File", name)
	file.is_private = 1
	file.flags.ignore_permissions = True
	file.save()
