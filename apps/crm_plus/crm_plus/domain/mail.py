"""Rules for mail that customers send in: which mails are machines talking (never answered), how a
mail's body becomes safe text, and how many acknowledgements one address may get."""

from collections.abc import Mapping
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
