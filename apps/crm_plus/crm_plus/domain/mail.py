"""Rules for mail that customers send in: which mails are machines talking (never answered), how a
mail's body becomes safe text, and how many acknowledgements one address may get."""

import codecs
import re
from collections.abc import Mapping
from email.header import decode_header
from html.parser import HTMLParser

# One address gets at most this many acknowledgements a day: even a loop this rule does not recognise
# (a robot answering every mail without saying so) stops after a handful of messages.
ACKS_PER_ADDRESS_PER_DAY = 3
DESCRIPTION_LIMIT = 20000  # characters of a mail's text kept as the complaint's description

ROBOT_LOCAL_PARTS = frozenset(
	{"mailer-daemon", "postmaster", "noreply", "no-reply", "do-not-reply", "donotreply", "bounce", "bounces"}
)
BULK_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply", "auto-reply"})


def is_automatic(headers: Mapping[str, str], sender: str | None = None) -> bool:
	"""True for a mail no person wrote: an auto-reply (RFC 3834 Auto-Submitted, X-Autoreply,
	X-Autorespond, Precedence bulk/junk/list/auto_reply), a delivery report (multipart/report, a
	mailer daemon's address, an empty Return-Path, X-Failed-Recipients). Such a mail is kept but never
	answered, and never opens a complaint."""
	h = {str(k).lower(): str(v or "").strip().lower() for k, v in headers.items()}
	if h.get("auto-submitted", "no") not in ("", "no"):
		return True
	if h.get("x-autoreply") or h.get("x-autorespond") or h.get("x-auto-response-suppress", "") == "all":
		return True
	if h.get("precedence") in BULK_PRECEDENCE:
		return True
	if h.get("content-type", "").startswith("multipart/report") or h.get("x-failed-recipients"):
		return True
	if "return-path" in h and h["return-path"] in ("<>", ""):
		return True
	local = (sender or "").lower().split("@")[0]
	return local in ROBOT_LOCAL_PARTS


class _TextExtractor(HTMLParser):
	BLOCKS = frozenset(
		{"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table"}
	)
	SKIPPED = frozenset({"script", "style", "head", "title", "template", "noscript"})

	def __init__(self):
		super().__init__(convert_charrefs=True)
		self.parts: list[str] = []
		self.skipping = 0

	def handle_starttag(self, tag, attrs):
		if tag in self.SKIPPED:
			self.skipping += 1
		elif tag in self.BLOCKS:
			self.parts.append("\n")

	def handle_endtag(self, tag):
		if tag in self.SKIPPED:
			self.skipping = max(0, self.skipping - 1)
		elif tag in self.BLOCKS:
			self.parts.append("\n")

	def handle_data(self, data):
		if not self.skipping:
			self.parts.append(data)


def html_to_text(html: str) -> str:
	"""The text a person reads in an HTML mail: no scripts, styles or markup; one blank line at most
	between paragraphs."""
	parser = _TextExtractor()
	parser.feed(html or "")
	parser.close()
	return tidy("".join(parser.parts))


def tidy(text: str) -> str:
	lines = [" ".join(line.split()) for line in (text or "").replace("\r\n", "\n").split("\n")]
	out: list[str] = []
	for line in lines:
		if line or (out and out[-1]):
			out.append(line)
	return "\n".join(out).strip()


def escape(text: str) -> str:
	return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def description_html(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
	"""Plain text as the safe HTML of a text editor field: escaped, one paragraph per line."""
	text = text[:limit]
	return "".join(f"<p>{escape(line)}</p>" if line else "<p><br></p>" for line in text.split("\n"))


def link_html(url: str) -> str:
	"""A link in a mail the customer opens: an anchor whose text is the address itself. Frappe's
	plain-text part (markdownify) writes such an anchor as <address>, whatever characters the address
	holds, where bare text would have its "_" written as "\\_"; the HTML part has the anchor."""
	return f'<a href="{escape(url)}">{escape(url)}</a>'


def sentence_with_link(sentence: str, url: str) -> str:
	"""A translated sentence with one "{0}" for the link, as a paragraph of the mail's HTML."""
	return "<p>" + escape(sentence).format(link_html(url)) + "</p>"


# Chinese mail clients label names GB2312 or GBK and use characters of the larger sets: each label
# decodes as its superset (GB18030 holds GBK holds GB2312; Big5-HKSCS holds Big5).
CHARSET_SUPERSETS = {
	"gb2312": "gb18030",
	"gbk": "gb18030",
	"cp936": "gb18030",
	"x-gbk": "gb18030",
	"euc-cn": "gb18030",
	"x-euc-cn": "gb18030",
	"big5": "big5hkscs",
	"x-big5": "big5hkscs",
	"cp950": "big5hkscs",
}
# A name in raw 8-bit bytes, or whose label is unknown: the encodings such names come in, in order.
CHARSET_GUESSES = ("utf-8", "gb18030", "big5hkscs")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]+")


def decode_name_bytes(raw: bytes, charset: str | None = None) -> str | None:
	"""Bytes of a name in `charset` (or, unlabelled or undecodable, in the likely ones); None when no
	encoding reads them."""
	label = (charset or "").strip().lower().replace("_", "-")
	tried = []
	for candidate in (CHARSET_SUPERSETS.get(label), label, *CHARSET_GUESSES):
		if not candidate or candidate in tried:
			continue
		tried.append(candidate)
		try:
			codecs.lookup(candidate)
			return raw.decode(candidate)
		except (LookupError, UnicodeDecodeError):
			continue
	return None


def attachment_name(value) -> str | None:
	"""The name of a mail's attachment from its raw parameter (Content-Disposition `filename`, else
	Content-Type `name`), as Python's email package gives it: a (charset, language, text) tuple for
	RFC 2231 (`filename*=gbk''%B9%D8...`, continuations joined), else a string that may hold RFC 2047
	encoded words (`=?gbk?b?...?=`, several of them for a long name) or raw 8-bit bytes (kept as
	surrogate escapes). None when there is no name or it cannot be read; the result never holds a
	path separator or a control character."""
	if not value:
		return None
	if isinstance(value, tuple):
		charset, _language, text = (*value, None, None, None)[:3]
		raw = (text or "").encode("latin-1", "surrogateescape")
		name = decode_name_bytes(raw, charset)
	else:
		name = _decode_words(str(value))
	if not name:
		return None
	name = _UNSAFE_NAME.sub(" ", name).strip(" .")
	return name or None


def _decode_words(value: str) -> str | None:
	value = value.replace("\r", "").replace("\n", " ")
	try:
		value.encode("ascii")
	except UnicodeEncodeError:
		# Raw 8-bit bytes (a client that encodes nothing) or text already decoded.
		try:
			return decode_name_bytes(value.encode("ascii", "surrogateescape"))
		except UnicodeEncodeError:
			return value
	try:
		words = decode_header(value)
	except Exception:
		return None
	out = []
	for part, charset in words:
		if isinstance(part, str):
			out.append(part)
			continue
		text = decode_name_bytes(part, charset)
		if text is None:
			return None
		out.append(text)
	return "".join(out)


def raw_param(header: str | None, param: str) -> str | None:
	"""A parameter of a header as received (a name in raw 8-bit bytes, before the email package
	replaced them): `param="value"` or `param=value`."""
	if not isinstance(header, str):
		return None
	found = re.search(rf'(?:^|;)\s*{re.escape(param)}\s*=\s*(?:"([^"]*)"|([^;\s]*))', header, re.IGNORECASE)
	return (found.group(1) if found.group(1) is not None else found.group(2)) if found else None


def customer_of_address(candidates) -> tuple[str | None, str | None]:
	"""(customer, contact) of an address a customer wrote from (a mail's sender, the public form's
	e-mail): the one rule for both ways in.

	`candidates`: one row per place the address stands, {customer, contact (None for the customer's own
	`email` field), disabled (the customer's)}. A deactivated customer is never matched (an agent links
	a complaint to a former customer by hand), by its contacts or by its own address alike. The address
	must name exactly one customer, through its contacts and its own field together: an address shared
	by two customers files the complaint under neither, for an agent to link. The contact is returned
	when exactly one of that customer's contacts has the address."""
	rows = [row for row in candidates if not row.get("disabled")]
	customers = {row["customer"] for row in rows}
	if len(customers) != 1:
		return None, None
	(customer,) = customers
	contacts = {row["contact"] for row in rows if row.get("contact")}
	return customer, (next(iter(contacts)) if len(contacts) == 1 else None)
