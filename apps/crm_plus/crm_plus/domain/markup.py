"""Stored text and markup: which values a user writes must be cleaned before they are stored, what the
cleaned value is, and which web addresses may be stored (the rules of the server-side guard,
`crm_plus.stored_text`).

Frappe v15 cleans a field's value with its HTML sanitizer only when the value does not parse as JSON
and an HTML parser finds a tag in it, and not at all on a document saved as submitted; the desk shows
many values as HTML. So a JSON string literal (`"<img src=x onerror=...>"`), a JSON list, an
entity-encoded tag (`&lt;img ...&gt;`, shown as a tag wherever a view decodes the text once more) or
a submitted document's text is stored as written. Here every value that carries markup, whatever its
shape, is cleaned with the sanitizer the caller passes (Frappe's), and the result is checked: if it
still holds executable markup, even once its entities are decoded, its tags are taken out.
"""

import html
import json
import re
from collections.abc import Callable

# Field types whose value is text a user writes and that the desk may show as HTML.
TEXT_FIELDTYPES = frozenset(
	{"Data", "Small Text", "Text", "Long Text", "Text Editor", "HTML Editor", "Markdown Editor"}
)
# Data options Frappe checks strictly itself; an address "Name <name@example.com>" is no markup.
SKIPPED_OPTIONS = frozenset({"Email"})
# The schemes a stored web address may have.
URL_SCHEMES = ("http", "https", "mailto", "tel")
# Words in a Data field's name that make it a web address even without the URL option.
URL_FIELDNAME_WORDS = frozenset({"url", "website", "homepage", "web"})

_ROUNDS = 10  # entity decodings before a value counts as decoded (`&amp;amp;...lt;` nests)
# The start of a tag, a comment or a declaration as a browser reads it.
_TAG = re.compile(r"<[a-zA-Z!/?]")
# A quote that ends an attribute value, followed by an event handler attribute of its own.
_BREAKOUT = re.compile(r"[\"'`](?:[^\"'`<>]*?[\s/])?on[a-z]{3,}\s*=", re.IGNORECASE)
# Inside one tag: an event handler attribute, or a script address in any attribute.
_IN_TAG = r"<[a-zA-Z][^>]*?"
_HANDLER = re.compile(_IN_TAG + r"[\s/\"'`]on[a-z]{3,}\s*=", re.IGNORECASE | re.DOTALL)
_SCRIPT_URL = re.compile(
	_IN_TAG + r"=\s*[\"'`]?[\x00-\x20]*(?:javascript|vbscript|livescript|data(?!:image/))[\x00-\x20]*:",
	re.IGNORECASE | re.DOTALL,
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
	"""A field whose value the guard cleans: user text of any text type, except an email address field
	and a field whose DocType asks for raw markup (Ignore XSS Filter). Code, JSON, Attach, Password and
	every other type are not text of this kind."""
	return fieldtype in TEXT_FIELDTYPES and not ignore_xss_filter and (options or "") not in SKIPPED_OPTIONS


def is_url_field(fieldtype: str, fieldname: str, options: str | None = None) -> bool:
	"""A Data field holding a web address: the URL option, or a name such as `website` or `survey_url`."""
	if fieldtype != "Data" or (options or "") in SKIPPED_OPTIONS:
		return False
	return options == "URL" or bool(URL_FIELDNAME_WORDS & set(fieldname.lower().split("_")))


def carries_markup(value) -> bool:
	"""The value holds a tag (written or entity-encoded) or a quote that would end an HTML attribute
	and open an event handler: what the guard cleans. Plain text (`&`, `a < b`, quotes) is not."""
	if not isinstance(value, str) or not value:
		return False
	decoded = decode_entities(value)
	return bool(_TAG.search(decoded) or _BREAKOUT.search(decoded))


def executable_markup(text) -> list[str]:
	"""What in `text` would run script as HTML, read as it is and with its entities decoded (as views
	that decode text once more read it): script-like tags, event handler attributes, script addresses.
	Empty when nothing would."""
	if not isinstance(text, str):
		return []
	found = []
	decoded = decode_entities(text)
	# Browsers drop tabs and line breaks inside an address (`java<TAB>script:`).
	for form in dict.fromkeys((text, decoded, _URL_BREAKS.sub("", decoded))):
		for name, pattern in (("tag", _SCRIPT_TAG), ("handler", _HANDLER), ("address", _SCRIPT_URL)):
			match = pattern.search(form)
			if match:
				found.append(f"{name}: {match.group(0)[:60]}")
	return found


def breaks_out_of_attribute(text) -> bool:
	"""`text` put as it is into a quoted HTML attribute would end it and add an event handler."""
	return isinstance(text, str) and bool(_BREAKOUT.search(text))


def strip_markup(text: str) -> str:
	"""The text of `text` without any tag or angle bracket, its entities decoded: the last resort for a
	value whose markup the sanitizer left executable."""
	decoded = decode_entities(text)
	without_tags = re.sub(r"<[^<>]*>?", "", decoded)
	return without_tags.replace("<", "").replace(">", "")


def _escape_quotes(text: str) -> str:
	return text.replace('"', "&quot;").replace("'", "&#x27;").replace("`", "&#x60;")


def clean_text(value: str, sanitize: Callable[[str], str]) -> str:
	"""`value` as it may be stored: unchanged when it carries no markup; otherwise what `sanitize` (an
	HTML sanitizer that applies to every value) leaves of it, of its decoded form when the sanitizer
	left an encoded tag executable, or, failing both, its text without tags. A quote that would break
	out of an attribute is stored as a character reference (views show it as a quote)."""
	if not carries_markup(value):
		return value
	cleaned = sanitize(value)
	if executable_markup(cleaned):
		# Entity-encoded markup: cleaned as the markup it decodes to.
		cleaned = sanitize(decode_entities(value))
	if executable_markup(cleaned):
		cleaned = strip_markup(cleaned)
	if not _TAG.search(cleaned) and breaks_out_of_attribute(cleaned):
		cleaned = _escape_quotes(cleaned)
	return cleaned


def _clean_json(data, sanitize):
	if isinstance(data, str):
		return clean_text(data, sanitize)
	if isinstance(data, list):
		return [_clean_json(item, sanitize) for item in data]
	if isinstance(data, dict):
		return {_clean_json(k, sanitize): _clean_json(v, sanitize) for k, v in data.items()}
	return data


def clean(value, sanitize: Callable[[str], str]):
	"""A field's value as it may be stored (see `clean_text`). A JSON list or object (a survey's
	multiple-choice answer) keeps its shape: each string in it is cleaned, and it is written out again
	only when one changed. Any other value, a JSON string literal included, is cleaned as text."""
	if not carries_markup(value):
		return value
	stripped = value.strip()
	if stripped[:1] in ("[", "{"):
		try:
			data = json.loads(stripped)
		except ValueError:
			data = None
		if isinstance(data, list | dict):
			cleaned = _clean_json(data, sanitize)
			if cleaned == data:
				return value
			return json.dumps(cleaned, ensure_ascii=False)
	return clean_text(value, sanitize)


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
