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
"""

import os

import frappe
from frappe.core.doctype.file.utils import generate_file_name
from frappe.utils import call_hook_method, get_hook_method


def own_copy(doc, method=None) -> None:
	"""before_insert of File (after Frappe's own, which may have pointed the upload at another file)."""
	if doc.is_folder or doc.is_remote_file or not doc.get("content") or not doc.file_url:
		return  # a folder, a link, or a File made from a URL the caller named (checked on validate)
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
	if frappe.db.exists("File", {"file_url": url, "name": ("!=", name or "")}):
		return
	os.remove(path)
