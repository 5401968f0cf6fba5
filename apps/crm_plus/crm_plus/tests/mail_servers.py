"""Real mail servers on loopback for the mail tests: aiosmtpd (SMTP) delivering every message into the
recipient's Maildir, and Dovecot (IMAP) serving those Maildirs, unprivileged, with a configuration
written into a temporary directory (plaintext login on 127.0.0.1 only, users in a passwd-file).
Installed by scripts/mail-servers.sh; `MailServers.start()` raises `Unavailable` with the reason when
they cannot run, and the tests skip with it. Every start and stop is bounded in time."""

import imaplib
import mailbox
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PASSWORD = "mail-test-Pa55"
DOVECOT = next((p for p in ("/usr/sbin/dovecot", shutil.which("dovecot")) if p and os.path.exists(p)), None)


class Unavailable(Exception):
	pass


def free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10.0) -> bool:
	deadline = time.monotonic() + timeout
	while time.monotonic() < deadline:
		try:
			with socket.create_connection(("127.0.0.1", port), timeout=0.5):
				return True
		except OSError:
			time.sleep(0.1)
	return False


class MaildirHandler:
	"""aiosmtpd handler: each accepted message into the Maildir of each recipient."""

	def __init__(self, root: Path):
		self.root = root

	async def handle_DATA(self, server, session, envelope):
		for rcpt in envelope.rcpt_tos:
			self.root.mkdir(exist_ok=True)
			box = mailbox.Maildir(str(self.root / rcpt.lower()), create=True)
			box.add(envelope.original_content or envelope.content)
		return "250 Message accepted for delivery"


class MailServers:
	def __init__(self, users: list[str]):
		self.users = [u.lower() for u in users]
		self.dir = Path(tempfile.mkdtemp(prefix="crm-plus-mail-"))
		self.smtp_port = self.imap_port = None
		self.smtp = self.dovecot = None

	# ---------------------------------------------------------------- start and stop
	def start(self) -> "MailServers":
		try:
			self._start_smtp()
			self._start_imap()
		except Unavailable:
			self.stop()
			raise
		except Exception as e:
			self.stop()
			raise Unavailable(f"{type(e).__name__}: {e}") from e
		return self

	def _start_smtp(self):
		try:
			from aiosmtpd.controller import Controller
		except ImportError as e:
			raise Unavailable(
				"aiosmtpd is not installed in the bench's Python (scripts/mail-servers.sh)"
			) from e
		self.smtp_port = free_port()
		from aiosmtpd.smtp import AuthResult, LoginPassword

		users = set(self.users)

		def authenticate(server, session, envelope, mechanism, auth_data):
			# Plain login on loopback (no TLS), as Frappe's Email Account logs in with its password.
			ok = (
				isinstance(auth_data, LoginPassword)
				and auth_data.login.decode().lower() in users
				and auth_data.password.decode() == PASSWORD
			)
			return AuthResult(success=ok)

		self.smtp = Controller(
			MaildirHandler(self.dir / "mail"),
			hostname="127.0.0.1",
			port=self.smtp_port,
			ready_timeout=10,
			authenticator=authenticate,
			auth_require_tls=False,
		)
		self.smtp.start()

	def _start_imap(self):
		if not DOVECOT:
			raise Unavailable("Dovecot is not installed (Debian dovecot-imapd; scripts/mail-servers.sh)")
		self.imap_port = free_port()
		(self.dir / "mail").mkdir(exist_ok=True)
		for user in self.users:
			mailbox.Maildir(str(self.dir / "mail" / user), create=True)
		for sub in ("run", "state", "home"):
			(self.dir / sub).mkdir(exist_ok=True)
		uid, gid = os.getuid(), os.getgid()
		import grp
		import pwd

		user, group = pwd.getpwuid(uid).pw_name, grp.getgrgid(gid).gr_name
		(self.dir / "passwd").write_text("".join(f"{u}:{{PLAIN}}{PASSWORD}::::::\n" for u in self.users))
		d = self.dir
		(d / "dovecot.conf").write_text(
			f"""
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
info_log_path = {d}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
login_trusted_networks = 127.0.0.1/8
default_login_user = {user}
default_internal_user = {user}
default_internal_group = {group}
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:{d}/mail/%u
passdb {{
  driver = passwd-file
  args = {d}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={d}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    user = {user}
  }}
  unix_listener stats-writer {{
    user = {user}
  }}
}}
"""
		)
		self.dovecot = subprocess.Popen(
			[DOVECOT, "-F", "-c", str(d / "dovecot.conf")],
			stdout=subprocess.PIPE,
			stderr=subprocess.STDOUT,
			start_new_session=True,
		)
		if not wait_for_port(self.imap_port, 15):
			self.dovecot.kill()
			out = self.dovecot.communicate(timeout=5)[0].decode(errors="replace")
			log = (d / "dovecot.log").read_text(errors="replace") if (d / "dovecot.log").exists() else ""
			raise Unavailable(f"Dovecot did not start: {(out + log)[-500:]}")

	def stop(self):
		if self.smtp:
			try:
				self.smtp.stop()
			except Exception:
				pass
			self.smtp = None
		if self.dovecot and self.dovecot.poll() is None:
			self.dovecot.terminate()
			try:
				self.dovecot.wait(timeout=10)
			except subprocess.TimeoutExpired:
				self.dovecot.kill()
				self.dovecot.wait(timeout=5)
		self.dovecot = None
		shutil.rmtree(self.dir, ignore_errors=True)

	# ---------------------------------------------------------------- mailboxes
	def messages(self, user: str) -> list:
		"""The messages in a user's INBOX, read over IMAP (as a mail client would)."""
		imap = imaplib.IMAP4("127.0.0.1", self.imap_port, timeout=10)
		try:
			imap.login(user, PASSWORD)
			imap.select("INBOX", readonly=True)
			_typ, data = imap.search(None, "ALL")
			out = []
			import email
			from email import policy

			for num in data[0].split():
				_typ, parts = imap.fetch(num, "(RFC822)")
				out.append(email.message_from_bytes(parts[0][1], policy=policy.default))
			return out
		finally:
			try:
				imap.logout()
			except Exception:
				pass

	def send(self, message) -> None:
		"""A customer's mail client sending `message` through the SMTP server."""
		import smtplib

		with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=10) as smtp:
			smtp.send_message(message)
