"""Stored text and markup: which values a user writes must be cleaned before they are stored, what the
cleaned value is, and which web addresses may be stored (the rules of the server-side guard,
`crm_plus.stored_text`).

Frappe v15 cleans a field's value with its HTML sanitizer only when the value does not parse as JSON
and an HTML parser finds a tag in it, and not at all on a document saved as submitted; the desk shows
many values as HTML. So a JSON string literal (`"<img src=x onerror=...>"`), a JSON list, an
entity-encoded tag (`&lt;img ...&gt;`, shown as a tag wherever a view decodes the text once more) or
a submitted document's text is stored as written. Here every value that carries markup, whatever its
shape, is cleaned with the sanitizer the caller passes (Frappe's), and the result is checked: if it
still holds executable markup (in plain text fields also once its entities are decoded), its decoded
form is cleaned, and failing that its tags are taken out. In HTML fields (Text Editor) a character
reference is text and is kept.
"""

import html
import json
import re
from collections.abc import Callable

# Field types whose value is text a user writes and that the desk may show as HTML.
TEXT_FIELDTYPES = frozenset(
	{
		"Data",
		"Small Text",
		"Text",
		"Long Text",
		"Text Editor",
		"HTML Editor",
		"Markdown Editor",
		"Autocomplete",
	}
)
# Fields holding the address of a file (an upload's /files/... path or a web address): the desk writes
# them with jQuery .html() (the attach control) and into a quoted style attribute (frappe.get_avatar).
ATTACH_FIELDTYPES = frozenset({"Attach", "Attach Image"})
# Field types that hold HTML: a character reference in them is text (`&lt;b&gt;` typed in the editor),
# shown once as what it stands for. The other text types hold text a view may decode once more.
RICH_FIELDTYPES = frozenset({"Text Editor", "HTML Editor", "Markdown Editor"})
# Email address fields: Frappe accepts `"Name" <name@example.com>` there and never sanitizes them, so
# a display name can carry markup (`"<svg onload=...>" <a@b.c>`); see `clean_email`.
EMAIL_OPTIONS = "Email"
# The schemes a stored web address may have.
URL_SCHEMES = ("http", "https", "mailto", "tel")
# Words in a Data field's name that make it a web address even without the URL option.
URL_FIELDNAME_WORDS = frozenset({"url", "website", "homepage", "web"})

_ROUNDS = 10  # entity decodings before a value counts as decoded (`&amp;amp;...lt;` nests)
# The start of a tag, a comment or a declaration as a browser reads it.
_TAG = re.compile(r"<[a-zA-Z!/?]")
# A quote that ends an attribute value, followed by an event handler attribute of its own.
_BREAKOUT = re.compile(r"[\"'`](?:[^\"'`<>]*?[\s/])?on[a-z]{3,}\s*=", re.IGNORECASE)
# A tag as a browser starts it, up to its first `>`.
_WHOLE_TAG = re.compile(r"<[a-zA-Z][^>]*>?")
# In one tag: an event handler attribute (names are never entity-decoded), a script address.
_HANDLER = re.compile(r"[\s/\"'`]on[a-z]{3,}\s*=", re.IGNORECASE)
_SCRIPT_URL = re.compile(
	r"=\s*[\"'`]?[\x00-\x20]*(?:javascript|vbscript|livescript|data(?!:image/))[\x00-\x20]*:", re.IGNORECASE
)
_SCRIPT_TAG = re.compile(
	r"</?(?:script|iframe|frame|frameset|object|embed|applet|base|portal)\b", re.IGNORECASE
)
# Browsers drop these anywhere in a URL's scheme (and leading controls and spaces).
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]+")
_URL_BREAKS = re.compile(r"[\t\n\r]+")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")


def decode_entities(text: str) -> str:
	"""`text` with its character references decoded until none is left (nested ones too)."""
	for _round in range(_ROUNDS):
		decoded = html.unescape(text)
		if decoded == text:
			break
		text = decoded
	return text


def is_guarded_field(fieldtype: str, options: str | None = None, ignore_xss_filter=False) -> bool:
	"""A field whose value the guard cleans or checks: user text of any text type (Autocomplete
	included), except a field whose DocType asks for raw markup (Ignore XSS Filter); a file address
	(Attach, Attach Image); a list of mail recipients (Code with the Email option, Communication's
	recipients, cc and bcc). Code, JSON, Password and every other type are not text of this kind."""
	if fieldtype in ATTACH_FIELDTYPES or is_recipient_field(fieldtype, options):
		return True
	return fieldtype in TEXT_FIELDTYPES and not ignore_xss_filter


def is_email_field(fieldtype: str, options: str | None = None) -> bool:
	return fieldtype in ("Data", "Small Text", "Text") and options == EMAIL_OPTIONS


def is_recipient_field(fieldtype: str, options: str | None = None) -> bool:
	"""A list of mail recipients (Communication's recipients, cc, bcc: Code with the Email option)."""
	return fieldtype == "Code" and options == EMAIL_OPTIONS


def is_attach_field(fieldtype: str) -> bool:
	return fieldtype in ATTACH_FIELDTYPES


def is_url_field(fieldtype: str, fieldname: str, options: str | None = None) -> bool:
	"""A Data field holding a web address: the URL option, or a name such as `website` or `survey_url`."""
	if fieldtype != "Data" or options == EMAIL_OPTIONS:
		return False
	return options == "URL" or bool(URL_FIELDNAME_WORDS & set(fieldname.lower().split("_")))


def is_rich_field(fieldtype: str) -> bool:
	return fieldtype in RICH_FIELDTYPES


def carries_markup(value, rich: bool = False) -> bool:
	"""The value holds a tag or a quote that would end an HTML attribute and open an event handler:
	what the guard cleans. In plain text (not `rich`) an entity-encoded tag counts too. Plain text
	(`&`, `a < b`, quotes) carries none."""
	if not isinstance(value, str) or not value:
		return False
	form = value if rich else decode_entities(value)
	return bool(_TAG.search(form) or _BREAKOUT.search(form))


def _found_in_tags(form: str) -> list[str]:
	found = []
	match = _SCRIPT_TAG.search(form)
	if match:
		found.append(f"tag: {match.group(0)}")
	for tag in _WHOLE_TAG.findall(form):
		if _HANDLER.search(tag):
			found.append(f"handler: {tag[:60]}")
		# Attribute values are entity-decoded by the browser, which also drops tabs and line breaks in
		# an address (`java&#x09;script:`).
		elif _SCRIPT_URL.search(_URL_BREAKS.sub("", decode_entities(tag))):
			found.append(f"address: {tag[:60]}")
	return found


def executable_markup(text, rich: bool = False) -> list[str]:
	"""What in `text` would run script as HTML: script-like tags, event handler attributes, script
	addresses; in plain text (not `rich`) also once its entities are decoded, as views that decode text
	once more read it. Empty when nothing would."""
	if not isinstance(text, str):
		return []
	forms = [text] if rich else list(dict.fromkeys((text, decode_entities(text))))
	return [finding for form in forms for finding in _found_in_tags(form)]


def breaks_out_of_attribute(text) -> bool:
	"""`text` put as it is into a quoted HTML attribute would end it and add an event handler."""
	return isinstance(text, str) and bool(_BREAKOUT.search(text))


def strip_markup(text: str) -> str:
	"""The text of `text` without any tag or angle bracket, its entities decoded: the last resort for a
	value whose markup the sanitizer left executable."""
	decoded = decode_entities(text)
	without_tags = re.sub(r"<[^<>]*>?", "", decoded)
	return without_tags.replace("<", "").replace(">", "")


# A whole tag, comment or declaration; the `<` of one that is never closed.
_CLOSED_TAG = re.compile(r"<[a-zA-Z!/?][^<>]*>")
_TAG_OPEN = re.compile(r"<(?=[a-zA-Z!/?])")
_QUOTES = re.compile(r"[\"'`]")


def plain_text(value: str) -> str:
	"""What a plain (not HTML) text field stores of a value carrying markup: its visible text. Its
	entities are decoded and every tag taken out, again until nothing is left that decodes into a tag;
	a `<` that would open a tag never closed is followed by a space (`a<b` is kept as `a< b`). When a
	quote in the text would still end an attribute and open an event handler (`" onmouseover="...`,
	also written `&quot; onmouseover=&quot;...`), the text keeps no quotes."""
	text = value
	for _round in range(len(value) + 2):
		before = text
		text = _TAG_OPEN.sub("< ", _CLOSED_TAG.sub("", decode_entities(text)))
		if text == before:
			break
	else:  # never reached (each round shortens the text or spaces a `<` once); kept as a last resort
		text = strip_markup(text)
	if _BREAKOUT.search(text):
		text = _QUOTES.sub("", text)
	return text


# Tags Frappe's sanitizer keeps that restyle the page or reshape it into something else (a stylesheet
# from another site, a login form posting elsewhere, a base address for every relative link).
PAGE_TAGS = ("link", "style", "form", "input", "button", "meta", "base")
_PAGE_TAG = re.compile(r"<(?=/?(?:" + "|".join(PAGE_TAGS) + r")(?:[\s/>]|$))", re.IGNORECASE)


def page_markup(text) -> list[str]:
	"""The tags of `text` that restyle or reshape the page (PAGE_TAGS), read as HTML."""
	if not isinstance(text, str):
		return []
	return [text[m.start() : m.start() + 40] for m in _PAGE_TAG.finditer(text)]


def _escape_quotes(text: str) -> str:
	return text.replace('"', "&quot;").replace("'", "&#x27;").replace("`", "&#x60;")


def clean_text(value: str, sanitize: Callable[[str], str], rich: bool = False) -> str:
	"""`value` as it may be stored: unchanged when it carries no markup. In a plain text field (not
	`rich`) its visible text (`plain_text`): no tag at all, nothing that decodes into one. In an HTML
	field (`rich`, a Text Editor) what `sanitize` (an HTML sanitizer that applies to every value)
	leaves of it, with the tags that restyle or reshape the page (PAGE_TAGS) turned into text, or,
	when that still holds executable markup, its text without tags; a quote there that would break
	out of an attribute is stored as a character reference."""
	if not carries_markup(value, rich):
		return value
	if not rich:
		return plain_text(value)
	cleaned = _PAGE_TAG.sub("&lt;", sanitize(value))
	if executable_markup(cleaned, rich) or page_markup(cleaned):
		cleaned = strip_markup(cleaned)
	if not _TAG.search(cleaned) and breaks_out_of_attribute(cleaned):
		cleaned = _escape_quotes(cleaned)
	return cleaned


def _clean_json(data, sanitize, rich):
	if isinstance(data, str):
		return clean_text(data, sanitize, rich)
	if isinstance(data, list):
		return [_clean_json(item, sanitize, rich) for item in data]
	if isinstance(data, dict):
		return {_clean_json(k, sanitize, rich): _clean_json(v, sanitize, rich) for k, v in data.items()}
	return data


def clean(value, sanitize: Callable[[str], str], rich: bool = False):
	"""A field's value as it may be stored (see `clean_text`). A JSON list or object (a survey's
	multiple-choice answer) keeps its shape: each string in it is cleaned, and it is written out again
	only when one changed. Any other value, a JSON string literal included, is cleaned as text. `rich`:
	the field holds HTML (Text Editor)."""
	if not carries_markup(value, rich):
		return value
	stripped = value.strip()
	if stripped[:1] in ("[", "{"):
		try:
			data = json.loads(stripped)
		except ValueError:
			data = None
		if isinstance(data, list | dict):
			cleaned = _clean_json(data, sanitize, rich)
			if cleaned == data:
				return value
			return json.dumps(cleaned, ensure_ascii=False)
	return clean_text(value, sanitize, rich)


_ANGLE_ADDRESS = re.compile(r"<[^<>\s@]+@[^<>\s]+>")
_ADDRESS = re.compile(r"[^\s<>\"'`,;()\[\]]+@[^\s<>\"'`,;()\[\]]+")


def clean_email(value):
	"""An email address field's value as it may be stored: as written unless something other than the
	`<address>` parts carries markup, then the bare addresses alone (`a@b.c, d@e.f`): Frappe accepts
	`"<svg onload=...>" <a@b.c>` in such a field and never sanitizes it."""
	if not isinstance(value, str) or not carries_markup(_ANGLE_ADDRESS.sub("", value)):
		return value
	addresses = _ADDRESS.findall(decode_entities(value))
	# No address in it: left as written for Frappe's own check, which refuses it.
	return ", ".join(dict.fromkeys(addresses)) if addresses else value


def url_scheme(value: str) -> str | None:
	"""The scheme a browser reads in `value` (entities decoded, spaces and control characters dropped,
	lower case), or None for an address without one."""
	match = _SCHEME.match(_URL_IGNORED.sub("", decode_entities(value)))
	return match.group(1).lower() if match else None


def allowed_url(value) -> bool:
	"""An empty value, a web address whose scheme is http, https, mailto or tel, or a path of this site
	(`/app/...`): never `javascript:`, `data:` or `vbscript:`, however cased, spaced or encoded."""
	if not value:
		return True
	if not isinstance(value, str):
		return False
	if url_scheme(value) in URL_SCHEMES:
		return True
	path = _URL_IGNORED.sub("", decode_entities(value))
	return path.startswith("/") and path[1:2] not in ("/", "\\")


def clean_recipients(value):
	"""A list of mail recipients (Communication's recipients, cc, bcc) as it may be stored: the bare
	addresses (`a@b.c, d@e.f`) whenever it holds anything else, as a display name may carry markup or
	quotes that end an attribute (`"x" onmouseover="alert(1)" <b@example.com>`). Without any address it
	is left for Frappe's own check."""
	if not isinstance(value, str) or not value.strip():
		return value
	addresses = _ADDRESS.findall(decode_entities(value))
	if not addresses:
		return value
	bare = ", ".join(dict.fromkeys(addresses))
	return value if re.sub(r"[\s,;]+", ",", value.strip(" ,;")) == bare.replace(", ", ",") else bare


# A file address: an upload's path on this site or a web address.
FILE_ADDRESS_PREFIXES = ("/files/", "/private/files/", "http://", "https://")
# What a file address may not hold: what ends an attribute, a CSS string or a URL, or opens a tag.
# Frappe names a file after the name it was uploaded with, spaces included, so a plain space is kept
# (every view puts the address in a quoted attribute).
_UNSAFE_IN_ADDRESS = re.compile(r"[<>\"'`\\\x00-\x1f\x7f]|[^\S ]")


def allowed_file_address(value) -> bool:
	"""An empty value, or the address of a file as an Attach / Attach Image field may hold it: a path
	of this site's files (`/files/...`, `/private/files/...`) or an http(s) address, with no angle
	bracket, quote, backtick, backslash, line break, tab or other control character, also once its
	character references are decoded, and nothing that reads as an event handler (` onerror=`) were the
	address put into an unquoted attribute."""
	if not value:
		return True
	if not isinstance(value, str):
		return False
	decoded = decode_entities(value)
	if _UNSAFE_IN_ADDRESS.search(value) or _UNSAFE_IN_ADDRESS.search(decoded) or _HANDLER.search(decoded):
		return False
	return value.lower().startswith(FILE_ADDRESS_PREFIXES)


# What a file's name loses when it is uploaded (it becomes the file's address, see allowed_file_address).
_UNSAFE_IN_FILE_NAME = re.compile(r"[<>\"'`\\\x00-\x1f\x7f]")


def safe_file_name(name):
	"""An uploaded file's name as it may be stored and made into its address: without angle brackets,
	quotes, backticks, backslashes or control characters (`f0"<img src=x onerror=1>".txt` becomes
	`f0img_src=x_onerror=1.txt`: nothing that opens a tag, ends an attribute or, its spaces replaced,
	reads as an event handler); its character references are decoded first. A name left without a stem
	is called `file`."""
	if not isinstance(name, str) or not name:
		return name
	cleaned = _UNSAFE_IN_FILE_NAME.sub("", decode_entities(name))
	cleaned = _UNSAFE_IN_FILE_NAME.sub("", decode_entities(cleaned))
	if _HANDLER.search(cleaned):
		# Read as an event handler were the address put into an unquoted attribute: no spaces then.
		cleaned = re.sub(r"\s", "_", cleaned)
	stem, dot, extension = cleaned.rpartition(".")
	if dot and not stem.strip():
		return f"file.{extension}"
	return cleaned if cleaned.strip() else "file"


# What a name shown by the desk inside an attribute (a tag, a Kanban board) may not hold.
_UNSAFE_IN_NAME = re.compile(r"[<>\"'`\x00-\x1f\x7f]")


def unsafe_name(name) -> bool:
	"""A name (a tag's, a Kanban board's) that holds an angle bracket, a quote, a backtick or a control
	character, also written as a character reference (`&quot;`): the list view puts a tag into
	`title="..."` and the sidebar a board's name into `href="..."` unescaped."""
	if not isinstance(name, str):
		return False
	return bool(_UNSAFE_IN_NAME.search(name) or _UNSAFE_IN_NAME.search(decode_entities(name)))
