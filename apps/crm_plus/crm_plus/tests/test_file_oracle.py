"""A file's content is no oracle: an upload whose bytes equal another division's file tells its user
nothing about that file and succeeds with a file of its own (crm_plus.files).

The owner (a rep of division A) attaches a private document to a customer and keeps a public file in
their own files. The outsider (a rep of division B, and a system manager importing data) uploads the
same bytes on every upload path the site offers them over HTTP. Each path is walked twice, without and
with the owner's files on the site; what the outsider sees (status, message, file URL and name) must
be the same both times, and must never name the owner's file."""

import base64
import io
import json
import os

import frappe
from frappe.tests.test_api import make_request
from frappe.utils import random_string

from crm_plus.tests.http import HTTPTestCase
from crm_plus.tests.names import CUSTOMER

IMPORTER = "crm-system-manager@test.example"  # made by tests.utils.Org: Data Import is theirs


class TestFileOracle(HTTPTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		s = cls.org.suffix
		cls.private_bytes = f"%PDF-1.4 standard supply contract {random_string(20)}".encode()
		cls.public_bytes = f"%PDF-1.4 price list {random_string(20)}".encode()
		cls.import_bytes = f"Person Name,Company Name\nA {random_string(12)},B\n".encode()
		cls.owner_private = f"division-a-acquisition-{s}.pdf"
		cls.owner_public = f"division-a-embargoed-{s}.pdf"
		cls.owner_import = f"division-a-leads-{s}.csv"
		cls.addClassCleanup(cls._remove_files)

	@classmethod
	def _remove_files(cls):
		frappe.db.rollback()
		for name in frappe.get_all("File", {"file_name": ("like", f"%{cls.org.suffix}%")}, pluck="name"):
			frappe.delete_doc("File", name, force=True, ignore_permissions=True)
		for name in frappe.get_all("Data Import", {"owner": IMPORTER}, pluck="name"):
			frappe.delete_doc("Data Import", name, force=True, ignore_permissions=True)
		frappe.db.commit()

	# ---------------------------------------------------------------- requests
	def upload(self, user: str, name: str, content: bytes, **form):
		"""The desk's uploader: a multipart POST to /api/method/upload_file."""
		data = {k: str(v) for k, v in form.items() if v is not None}
		data["file"] = (io.BytesIO(content), name)
		return make_request(
			self.login(user).post,
			("/api/method/upload_file",),
			{"data": data, "content_type": "multipart/form-data"},
		)

	def rest_insert(self, user: str, name: str, content: bytes, **fields):
		return self.insert(
			self.login(user),
			"File",
			file_name=name,
			content=base64.b64encode(content).decode(),
			decode=1,
			**fields,
		)

	def seen(self, response) -> dict:
		"""What the outsider learns from an answer: status, messages, the file's URL and name."""
		body = response.json or {}
		doc = body.get("message") or body.get("data") or {}
		doc = doc if isinstance(doc, dict) else {}
		return {
			"status": response.status_code,
			"messages": [
				json.loads(m).get("message") for m in json.loads(body.get("_server_messages") or "[]")
			],
			"exc_type": body.get("exc_type"),
			"file_url": doc.get("file_url"),
			"file_name": doc.get("file_name"),
			"is_private": doc.get("is_private"),
		}

	def outsider_uploads(self, run: str) -> dict:
		"""Every upload path of the outsider, with the owner's bytes; the outsider's files are removed
		afterwards so that the next run may use the same names."""
		o = self.org
		s = o.suffix
		answers = {
			"attachment": self.upload(
				o.rep_b,
				f"contract-{s}.pdf",
				self.private_bytes,
				doctype=CUSTOMER,
				docname=o.c_b,
				is_private=1,
			),
			"my_files_private": self.upload(o.rep_b, f"mine-{s}.pdf", self.private_bytes, is_private=1),
			"my_files_public": self.upload(o.rep_b, f"prices-{s}.pdf", self.public_bytes, is_private=0),
			"rest_insert": self.rest_insert(
				o.rep_b,
				f"contract-rest-{s}.pdf",
				self.private_bytes,
				attached_to_doctype=CUSTOMER,
				attached_to_name=o.c_b,
				is_private=1,
			),
			"rest_insert_public": self.rest_insert(
				o.rep_b, f"prices-rest-{s}.pdf", self.public_bytes, is_private=0
			),
		}
		# A File pointing at the owner's private path by name: refused alike whether the path exists.
		answers["rest_insert_by_path"] = self.insert(
			self.login(o.rep_b),
			"File",
			file_url=f"/private/files/{self.owner_private}",
			file_name=f"pointer-{s}.pdf",
			attached_to_doctype=CUSTOMER,
			attached_to_name=o.c_b,
			is_private=1,
		)
		importer = self.login(IMPORTER)
		data_import = self.insert(
			importer,
			"Data Import",
			reference_doctype="CRM Lead",
			import_type="Insert New Records",
		)
		self.assertEqual(data_import.status_code, 200, data_import.text[:500])
		answers["data_import"] = self.upload(
			IMPORTER,
			f"leads-{s}.csv",
			self.import_bytes,
			doctype="Data Import",
			docname=data_import.json["data"]["name"],
			fieldname="import_file",
			is_private=1,
		)
		seen = {path: self.seen(response) for path, response in answers.items()}
		self.fresh()
		for path, answer in seen.items():
			if answer["status"] == 200 and path != "rest_insert_by_path":
				# The outsider's file is their own: its own path, readable by them with their bytes.
				content = self.public_bytes if "public" in path else self.private_bytes
				if path == "data_import":
					content, user = self.import_bytes, IMPORTER
				else:
					user = o.rep_b
				if answer["is_private"]:
					got = make_request(self.login(user).get, (answer["file_url"],), {})
					self.assertEqual((got.status_code, got.data), (200, content), f"{run} {path}")
				else:  # public files are served by the web server from the site's public folder
					with open(frappe.get_site_path("public", answer["file_url"].lstrip("/")), "rb") as f:
						self.assertEqual(f.read(), content, f"{run} {path}")
		for name in frappe.get_all(
			"File", {"owner": ("in", [o.rep_b, IMPORTER]), "file_name": ("like", f"%{s}%")}, pluck="name"
		):
			frappe.delete_doc("File", name, force=True, ignore_permissions=True)
		frappe.db.commit()
		return seen

	def owner_uploads(self) -> dict[str, str]:
		o = self.org
		private = self.upload(
			o.rep_a1, self.owner_private, self.private_bytes, doctype=CUSTOMER, docname=o.c_a1, is_private=1
		)
		public = self.upload(o.rep_a1, self.owner_public, self.public_bytes, is_private=0)
		self.assertEqual((private.status_code, public.status_code), (200, 200), private.text[:300])
		frappe.set_user("Administrator")
		imported = frappe.get_doc(
			{"doctype": "File", "file_name": self.owner_import, "content": self.import_bytes, "is_private": 1}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		return {
			"private": private.json["message"]["file_url"],
			"public": public.json["message"]["file_url"],
			"import": imported.file_url,
		}

	# ---------------------------------------------------------------- the tests
	def test_an_upload_tells_nothing_about_the_same_bytes_elsewhere(self):
		without = self.outsider_uploads("without the owner's files")
		owner_urls = self.owner_uploads()
		with_owner = self.outsider_uploads("with the owner's files")

		for path in without:
			self.assertEqual(with_owner[path], without[path], f"the outsider sees a difference on {path}")
			expected = 403 if path == "rest_insert_by_path" else 200
			self.assertEqual(with_owner[path]["status"], expected, f"{path}: {with_owner[path]}")
		text = json.dumps(with_owner, ensure_ascii=False)
		for name in (self.owner_private, self.owner_public, self.owner_import, *owner_urls.values()):
			self.assertNotIn(name.rsplit(".", 1)[0], text)

		# The owner's files are untouched, still theirs, still not the outsider's.
		o = self.org
		self.fresh()
		owner = self.login(o.rep_a1)
		got = make_request(owner.get, (owner_urls["private"],), {})
		self.assertEqual((got.status_code, got.data), (200, self.private_bytes))
		outsider = make_request(self.login(o.rep_b).get, (owner_urls["private"],), {})
		self.assertEqual(outsider.status_code, 403)

		# A File pointing at a path its user may read is still made (the desk's "attach from library").
		pointer = self.insert(
			owner,
			"File",
			file_url=owner_urls["private"],
			file_name=f"again-{o.suffix}.pdf",
			attached_to_doctype=CUSTOMER,
			attached_to_name=o.c_a1,
			is_private=1,
		)
		self.assertEqual(pointer.status_code, 200, pointer.text[:300])
		self.assertEqual(pointer.json["data"]["file_url"], owner_urls["private"])

		# Frappe's own saving stays where it tells nothing: the same bytes twice on one record share a file.
		first = self.upload(
			o.rep_a1,
			f"twice-{o.suffix}.pdf",
			b"twice " + self.private_bytes,
			doctype=CUSTOMER,
			docname=o.c_a1,
			is_private=1,
		)
		second = self.upload(
			o.rep_a1,
			f"twice-again-{o.suffix}.pdf",
			b"twice " + self.private_bytes,
			doctype=CUSTOMER,
			docname=o.c_a1,
			is_private=1,
		)
		self.assertEqual((first.status_code, second.status_code), (200, 200), second.text[:300])
		self.assertEqual(first.json["message"]["file_url"], second.json["message"]["file_url"])

	def test_a_deleted_copy_leaves_no_file_on_disk_and_the_original_stays(self):
		o = self.org
		content = f"copy {random_string(20)}".encode()
		original = self.upload(
			o.rep_a1, f"orig-{o.suffix}.pdf", content, doctype=CUSTOMER, docname=o.c_a1, is_private=1
		)
		copy = self.upload(
			o.rep_b, f"copy-{o.suffix}.pdf", content, doctype=CUSTOMER, docname=o.c_b, is_private=1
		)
		self.assertEqual((original.status_code, copy.status_code), (200, 200), copy.text[:300])
		self.fresh()
		original_doc = frappe.get_doc("File", original.json["message"]["name"])
		copy_doc = frappe.get_doc("File", copy.json["message"]["name"])
		self.assertNotEqual(original_doc.get_full_path(), copy_doc.get_full_path())
		copy_path = copy_doc.get_full_path()
		frappe.delete_doc("File", copy_doc.name, force=True, ignore_permissions=True)
		frappe.db.commit()
		self.assertFalse(os.path.exists(copy_path))
		self.assertTrue(os.path.exists(original_doc.get_full_path()))

	def test_a_public_upload_to_a_record_is_stored_private(self):
		"""The app's records keep private attachments: a file uploaded as public to a customer is written
		to the private folder, none is left in the public one (which anyone may fetch without a login)."""
		o = self.org
		name = f"public-to-customer-{o.suffix}.pdf"
		content = f"%PDF price sheet {random_string(16)}".encode()
		response = self.upload(o.rep_b, name, content, doctype=CUSTOMER, docname=o.c_b, is_private=0)
		self.assertEqual(response.status_code, 200, response.text[:300])
		stored = response.json["message"]
		self.assertEqual(stored["is_private"], 1)
		self.assertTrue(stored["file_url"].startswith("/private/files/"), stored["file_url"])
		self.assertFalse(os.path.exists(frappe.get_site_path("public", "files", name)))
		got = make_request(self.login(o.rep_b).get, (stored["file_url"],), {})
		self.assertEqual((got.status_code, got.data), (200, content))
		self.assertEqual(make_request(self.login(o.rep_a1).get, (stored["file_url"],), {}).status_code, 403)

	def test_attachments_left_public_by_earlier_versions_move_to_the_private_folder(self):
		from crm_plus.patches import move_public_record_attachments

		o = self.org
		name = f"left-public-{o.suffix}.pdf"
		content = f"%PDF left public {random_string(16)}".encode()
		frappe.set_user("Administrator")
		file = frappe.get_doc({"doctype": "File", "file_name": name, "content": content, "is_private": 0})
		file.insert(ignore_permissions=True)
		# As earlier versions stored a public upload to a customer: a private row, a public file.
		frappe.db.set_value(
			"File",
			file.name,
			{"attached_to_doctype": CUSTOMER, "attached_to_name": o.c_b, "is_private": 1},
		)
		frappe.db.commit()
		self.assertTrue(os.path.exists(frappe.get_site_path("public", "files", name)))
		move_public_record_attachments.execute()
		frappe.db.commit()
		moved = frappe.get_doc("File", file.name)
		self.assertEqual((moved.is_private, moved.file_url), (1, f"/private/files/{name}"))
		self.assertFalse(os.path.exists(frappe.get_site_path("public", "files", name)))
		got = make_request(self.login(o.rep_b).get, (moved.file_url,), {})
		self.assertEqual((got.status_code, got.data), (200, content))
		self.assertEqual(make_request(self.login(o.rep_a1).get, (moved.file_url,), {}).status_code, 403)

	def test_an_uploaded_files_name_keeps_no_markup_in_its_name_or_address(self):
		"""Round 3: an upload named `f0"<img src=x onerror=...>".txt` was stored with that name and address,
		which the attach control writes with .html() wherever the file is attached."""
		names = {
			"upload_file": f"f0<img src=x onerror=alert(101)>-{self.org.suffix}.txt",
			"REST": f'f0"<img src=x onerror=alert(102)>"-{self.org.suffix}.txt',
		}
		responses = {
			"upload_file": self.upload(
				self.org.rep_a1,
				names["upload_file"],
				f"notes {random_string(12)}".encode(),
				doctype=CUSTOMER,
				docname=self.org.c_a1,
				is_private=1,
			),
			"REST": self.rest_insert(
				self.org.rep_a1,
				names["REST"],
				f"notes {random_string(12)}".encode(),
				attached_to_doctype=CUSTOMER,
				attached_to_name=self.org.c_a1,
				is_private=1,
			),
		}
		for path, response in responses.items():
			self.assertEqual(response.status_code, 200, response.text[:400])
			body = response.json.get("message") or response.json.get("data")
			stored = frappe.db.get_value("File", body["name"], ["file_name", "file_url"], as_dict=True)
			for value in stored.values():
				self.assertNotRegex(value, r"[<>\"'`]", (path, stored))
				self.assertNotRegex(value, r"(?i)\son[a-z]+=", (path, stored))
			self.assertTrue(stored.file_url.startswith("/private/files/f0img"), (path, stored))
			self.assertTrue(stored.file_url.endswith(".txt"), (path, stored))
			self.assertTrue(os.path.exists(frappe.get_site_path(stored.file_url.lstrip("/"))), stored)
		# An ordinary name with spaces and Chinese is kept as it was uploaded.
		plain = f"合同 2026 (1)-{self.org.suffix}.txt"
		response = self.upload(
			self.org.rep_a1,
			plain,
			f"contract {random_string(12)}".encode(),
			doctype=CUSTOMER,
			docname=self.org.c_a1,
			is_private=1,
		)
		self.assertEqual(response.status_code, 200, response.text[:400])
		self.assertEqual(response.json["message"]["file_name"], plain)
