"""Stored text: which values carry markup, what is stored of them, which web addresses may be stored
(crm_plus.domain.markup), and that the guard is wired to every DocType of the app and to the Frappe
DocTypes its users write (hooks.py)."""

import html
import importlib
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_plus.domain import markup as m
from tests.metadata import load_app

# The payload classes of issue 21, each of which Frappe v15's sanitizer stores as written.
PAYLOADS = {
	"json string": '"<img src=x onerror=alert(1)>"',
	"json list": '["<svg onload=alert(1)>"]',
	"json object": '{"a": "<img src=x onerror=alert(1)>"}',
	"entity-encoded": "&lt;img src=x onerror=alert(1)&gt;",
	"numeric entities": "&#60;svg onload=alert(1)&#62;",
	"double-encoded": "&amp;lt;img src=x onerror=alert(1)&amp;gt;",
	"attribute breakout": '" onmouseover="alert(1)',
	"attribute breakout, tag": "'><svg onload=alert(1)>",
	"template": '"{{ frappe.session.user }}<img src=x onerror=alert(1)>"',
	"script": '"<script>alert(1)</script>"',
	"encoded script": "&lt;script&gt;alert(1)&lt;/script&gt;",
	"javascript link": "\"<a href='javascript:alert(1)'>x</a>\"",
	"obfuscated link": '"<a href="java&#x09;script:alert(1)">x</a>"',
	"tag left open": '"<img src=x onerror=alert(1)//',
}
PLAIN = [
	"AT&T",
	"a < b and c > d",
	'He said "hi"',
	"{{ frappe.session.user }}",
	"50% & more",
	"李雷 <-> 韩梅梅",
]


def identity(text):
	"""The worst sanitizer: it changes nothing. The guard must still store nothing executable."""
	return text


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_every_payload_class_carries_markup(name):
	assert m.carries_markup(PAYLOADS[name])


@pytest.mark.parametrize("value", PLAIN)
def test_plain_text_carries_none_and_is_stored_as_written(value):
	assert not m.carries_markup(value)
	assert m.clean(value, identity) == value


@pytest.mark.parametrize("sanitize", [identity, html.escape], ids=["identity", "escape"])
@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_what_is_stored_of_a_payload_runs_nothing(name, sanitize):
	stored = m.clean(PAYLOADS[name], sanitize)
	assert m.executable_markup(stored) == [], stored
	assert not m.breaks_out_of_attribute(stored) or name.startswith("json"), stored


def test_executable_markup_reads_the_text_as_a_browser_and_decoded_once_more():
	assert m.executable_markup('<img src="x">') == []
	assert m.executable_markup("<p>on=1 is fine</p>") == []
	assert m.executable_markup("<img src=x onerror=alert(1)>")
	assert m.executable_markup("<svg/onload=alert(1)>")
	assert m.executable_markup("&lt;img src=x onerror=alert(1)&gt;")
	assert m.executable_markup("<a href=' JaVaScRiPt:alert(1)'>x</a>")
	assert m.executable_markup("<a href='java\tscript:alert(1)'>x</a>")
	assert m.executable_markup("<iframe src=x>")
	assert not m.executable_markup('<img src="data:image/png;base64,AAAA">')


def test_a_json_list_keeps_its_shape():
	stored = m.clean('["<svg onload=alert(1)>", "Price & quality"]', identity)
	assert json.loads(stored) == ["", "Price & quality"]
	assert m.clean('["Price", "Service"]', identity) == '["Price", "Service"]'


def test_a_breakout_in_plain_text_keeps_no_quotes_in_any_form():
	"""Was stored as `&quot; onmouseover=&quot;alert(1)`: a view that decodes the text once more and puts
	it into an attribute broke out (round 3)."""
	assert m.clean('" onmouseover="alert(1)', identity) == " onmouseover=alert(1)"
	assert m.clean("&quot; onmouseover=&quot;alert(1)", identity) == " onmouseover=alert(1)"
	assert m.clean("x&#39; autofocus onfocus=&#39;alert(1)", identity) == "x autofocus onfocus=alert(1)"
	assert m.clean('O\'Brien said "hi"', identity) == 'O\'Brien said "hi"'


def test_the_sanitizers_result_is_kept_in_html_fields_when_it_runs_nothing():
	def drop_handlers(text):
		return re.sub(r"\s+on\w+=\S+?(?=>)", "", text)

	assert m.clean('"<img src=x onerror=alert(1)>"', drop_handlers, rich=True) == '"<img src=x>"'
	# A plain text field keeps the visible text alone (the sanitizer is not asked).
	assert m.clean('"<img src=x onerror=alert(1)>"', drop_handlers) == '""'
	assert m.clean("&lt;img src=x onerror=alert(1)&gt;", drop_handlers) == ""


# ------------------------------------------------------------------ plain text fields keep no tags (round 3)
PAGE_PAYLOADS = [
	"&lt;img src=x onerror=1&gt;&lt;link rel=stylesheet href=//e.example/a.css&gt;",
	"<link rel=stylesheet href=//e.example/a.css>",
	"<style>body{display:none}</style>",
	'<form action="//e.example/login"><input type="password" name="pwd"><button>Sign in</button></form>',
	'<a href="/app" style="position:fixed;top:0;left:0;width:100%;height:100%">x</a>',
	"<meta http-equiv=refresh content='0;url=//e.example'>",
	"&amp;lt;base href=//e.example/&amp;gt;",
	"&l<x>t;img src=x onerror=1&gt;",
]


def frappe_like(text):
	"""Frappe's sanitizer as far as these payloads go: it keeps link, style, form, input, button, meta."""
	return text


@pytest.mark.parametrize("value", PAGE_PAYLOADS)
def test_a_plain_field_stores_no_tag_and_nothing_that_decodes_into_one(value):
	"""The guard decoded escaped text and sanitized it into live `<link>`, `<form>` and `<input>` tags,
	which Frappe's sanitizer keeps, in plain fields (round 3)."""
	stored = m.clean(value, frappe_like)
	assert not re.search(r"<[a-zA-Z!/?]", stored), stored
	assert not re.search(r"<[a-zA-Z!/?]", m.decode_entities(stored)), stored


def test_a_plain_fields_visible_text_is_kept():
	assert m.clean("Hi <b>there</b>, AT&amp;T", frappe_like) == "Hi there, AT&T"
	assert m.clean("<p>Call 李雷</p>", frappe_like) == "Call 李雷"
	assert m.clean("if a<b then", frappe_like) == "if a< b then"


@pytest.mark.parametrize("value", PAGE_PAYLOADS)
def test_an_html_field_keeps_no_tag_that_restyles_or_reshapes_the_page(value):
	stored = m.clean(value, frappe_like, rich=True)
	assert m.page_markup(stored) == [], stored
	assert m.executable_markup(stored, rich=True) == [], stored


def test_an_html_field_keeps_its_formatting():
	text = '<p>Hi <b>there</b> <a href="https://example.com">site</a></p><ul><li>one</li></ul>'
	assert m.clean(text, frappe_like, rich=True) == text
	assert m.clean("<p><link rel=stylesheet href=x>ok</p>", frappe_like, rich=True) == (
		"<p>&lt;link rel=stylesheet href=x>ok</p>"
	)


fragments = st.sampled_from(
	[
		"<",
		">",
		"/",
		'"',
		"'",
		"`",
		"=",
		" ",
		"\t",
		"&",
		"#",
		";",
		"lt",
		"gt",
		"&lt;",
		"&#60;",
		"&#x3c;",
		"&gt;",
		"&amp;",
		"img",
		"svg",
		"script",
		"iframe",
		"a href",
		"src=x",
		"onerror",
		"onload",
		"onmouseover",
		"javascript:",
		"java&#x09;script:",
		"alert(1)",
		"[",
		"]",
		"{",
		"}",
		"text",
		"客户",
	]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(fragments, max_size=25).map("".join), st.sampled_from([identity, html.escape]))
def test_nothing_stored_runs_whatever_is_written(value, sanitize):
	stored = m.clean(value, sanitize)
	assert m.executable_markup(stored) == []
	if not m.carries_markup(value):
		assert stored == value


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="<>\"'`&"), max_size=40))
def test_text_without_brackets_quotes_or_entities_is_never_changed(value):
	assert m.clean(value, html.escape) == value


# ------------------------------------------------------------------ web addresses
@pytest.mark.parametrize(
	"url",
	[
		"https://example.com",
		"http://example.com/a?b=c&d=e",
		"HTTPS://EXAMPLE.COM",
		"mailto:sales@example.com",
		"tel:+86-10-1234-5678",
		"/app/crm-customer",
		"",
		None,
	],
)
def test_web_addresses_of_the_allowed_schemes_are_accepted(url):
	assert m.allowed_url(url)


@pytest.mark.parametrize(
	"url",
	[
		"javascript:alert(1)",
		" JaVaScRiPt:alert(1)",
		"java&#x09;script:alert(1)",
		"java\tscript:alert(1)",
		"&#106;avascript:alert(1)",
		"&#x6A;avascript&#x3A;alert(1)",
		"\x01javascript:alert(1)",
		"data:text/html,<script>alert(1)</script>",
		"vbscript:msgbox(1)",
		"file:///etc/passwd",
		"www.example.com",
		"//evil.example.com",
		"/\\evil.example.com",
		"ftp://example.com",
	],
)
def test_other_addresses_are_refused(url):
	assert not m.allowed_url(url)


def _obfuscate(scheme, data):
	out = []
	for ch, (upper, encode, gap) in zip(scheme, data, strict=True):
		ch = ch.upper() if upper else ch
		if encode == 1:
			ch = f"&#{ord(ch)};"
		elif encode == 2:
			ch = f"&#x{ord(ch):x};"
		out.append(ch + gap)
	return "".join(out)


@settings(max_examples=300, deadline=None)
@given(
	st.sampled_from(["javascript:", "vbscript:", "data:"]).flatmap(
		lambda scheme: st.tuples(
			st.just(scheme),
			st.lists(
				st.tuples(
					st.booleans(), st.sampled_from([0, 0, 1, 2]), st.sampled_from(["", "", "\t", "\n"])
				),
				min_size=len(scheme),
				max_size=len(scheme),
			),
			st.sampled_from(["", " ", "\x00", "\x1f ", "&#32;"]),
		)
	),
	st.text(max_size=20),
)
def test_a_script_scheme_is_refused_however_it_is_written(parts, rest):
	scheme, data, lead = parts
	assert not m.allowed_url(lead + _obfuscate(scheme, data) + rest)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_an_accepted_address_is_one_of_the_allowed_schemes_or_a_path_of_the_site(url):
	if m.allowed_url(url) and url:
		assert m.url_scheme(url) in m.URL_SCHEMES or re.sub(r"[\x00-\x20\x7f]", "", html.unescape(url))[
			:1
		] in ("/", "&")


def test_which_fields_are_guarded_and_which_hold_addresses():
	assert (
		m.is_guarded_field("Data") and m.is_guarded_field("Text Editor") and m.is_guarded_field("Small Text")
	)
	for fieldtype in ("Code", "JSON", "Password", "Link", "Int", "Select"):
		assert not m.is_guarded_field(fieldtype), fieldtype
	# Round 3: file addresses, Autocomplete text and mail recipients (Code with the Email option) too.
	for fieldtype in ("Attach", "Attach Image", "Autocomplete"):
		assert m.is_guarded_field(fieldtype), fieldtype
	assert m.is_attach_field("Attach Image") and not m.is_attach_field("Data")
	assert m.is_guarded_field("Code", "Email") and m.is_recipient_field("Code", "Email")
	assert not m.is_recipient_field("Code") and not m.is_recipient_field("Data", "Email")
	assert m.is_guarded_field("Data", "Email") and m.is_email_field("Data", "Email")
	assert not m.is_email_field("Data") and not m.is_url_field("Data", "website_email", "Email")
	assert not m.is_guarded_field("Text", ignore_xss_filter=1)
	assert m.is_url_field("Data", "website") and m.is_url_field("Data", "survey_link", "URL")
	assert m.is_url_field("Data", "survey_url")
	assert not m.is_url_field("Data", "customer_name") and not m.is_url_field("Small Text", "website")


# ------------------------------------------------------------------ the wiring
GUARD = "crm_plus.stored_text.guard"


def test_the_guard_runs_on_every_doctype_of_the_app_and_the_framework_doctypes_users_write():
	h = importlib.import_module("crm_plus.hooks")
	doctypes = {dt["name"]: dt for dt in load_app().doctypes.values()}
	for name, dt in doctypes.items():
		if dt.get("istable"):
			parents = [
				p
				for p, pdt in doctypes.items()
				if any(f.get("options") == name for f in pdt["fields"] if f["fieldtype"] == "Table")
			]
			assert parents, name  # a child row is cleaned with its parent
			for parent in parents:
				assert GUARD in h.doc_events[parent]["validate"], (name, parent)
			continue
		for event in ("validate", "before_update_after_submit"):
			assert GUARD in h.doc_events[name][event], (name, event)
	for name in ("User", "ToDo", "Note", "Comment", "Communication", "Contact", "Address"):
		assert GUARD in h.doc_events[name]["validate"], name
	# Not everything: Workspace, Report, Print Format and the like hold markup on purpose.
	assert "*" not in h.doc_events
	for name in ("Workspace", "Report", "Print Format", "Web Page", "Email Template"):
		assert name not in h.doc_events or GUARD not in h.doc_events[name].get("validate", []), name


@pytest.mark.parametrize(
	"value, stored",
	[
		("Bob <bob@example.com>", "Bob <bob@example.com>"),
		("a@example.com, b@example.com", "a@example.com, b@example.com"),
		('"<svg onload=alert(1)>" <bob@example.com>', "bob@example.com"),
		("&lt;img src=x onerror=alert(1)&gt; <bob@example.com>", "bob@example.com"),
		('"<img src=x onerror=alert(1)>"', '"<img src=x onerror=alert(1)>"'),  # no address: Frappe refuses it
	],
)
def test_an_email_fields_display_name_carries_no_markup(value, stored):
	assert m.clean_email(value) == stored


def test_in_html_fields_a_character_reference_is_text():
	"""A Text Editor stores `<` typed as text as `&lt;`: that is kept, real markup is cleaned."""
	typed = "<p>The page shows &lt;script&gt;alert(1)&lt;/script&gt; &amp; more</p>"
	assert not m.executable_markup(typed, rich=True)
	assert m.clean(typed, identity, rich=True) == typed
	assert m.executable_markup('<p><img src=x onerror="alert(1)"></p>', rich=True)
	assert m.executable_markup('<a href="java&#x09;script:alert(1)">x</a>', rich=True)
	assert not m.carries_markup("&lt;img src=x onerror=alert(1)&gt;", rich=True)
	assert m.carries_markup('"<img src=x onerror=alert(1)>"', rich=True)


@settings(max_examples=300, deadline=None)
@given(st.lists(fragments, max_size=25).map("".join), st.sampled_from([identity, html.escape]))
def test_nothing_stored_in_an_html_field_runs_whatever_is_written(value, sanitize):
	assert m.executable_markup(m.clean(value, sanitize, rich=True), rich=True) == []


# ------------------------------------------------------------------ round 3: file addresses, names
@pytest.mark.parametrize(
	"value",
	[
		"/files/contract.pdf",
		"/private/files/合同 2026 (1).pdf",
		"https://secure.gravatar.com/avatar/abc?d=404&s=200",
		"http://example.com/a.png",
		"",
		None,
	],
)
def test_a_file_address_of_an_upload_or_the_web_is_accepted(value):
	assert m.allowed_file_address(value)


@pytest.mark.parametrize(
	"value",
	[
		"<img src=x onerror=alert(1)>",
		"/files/a.png\")'><img src=x onerror=alert(1)>",
		"/files/a.png' onerror='alert(1)",
		"/files/a.png&#39;)",
		"/files/a.png&quot;",
		"/files/a`.png",
		"/files/a\\.png",
		"/files/a\n.png",
		"/files/a\t.png",
		"/files/a\x00.png",
		"/files/a onerror=alert(1).png",
		"javascript:alert(1)",
		"data:image/svg+xml,<svg onload=alert(1)>",
		"//evil.example/a.png",
		"files/a.png",
		"/app/user",
	],
)
def test_a_file_address_with_markup_quotes_or_another_scheme_is_refused(value):
	assert not m.allowed_file_address(value)


def test_an_uploaded_file_name_keeps_nothing_that_opens_a_tag_or_ends_an_attribute():
	name = m.safe_file_name('f0"<img src=x onerror=alert(101)>".txt')
	assert m.allowed_file_address("/files/" + name), name
	assert name.endswith(".txt") and "img" in name
	assert m.safe_file_name("合同 2026 (1).pdf") == "合同 2026 (1).pdf"
	assert m.safe_file_name("&quot;&lt;&gt;.txt") == "file.txt"
	assert m.safe_file_name("\"<>'") == "file"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_uploaded_name_makes_an_accepted_address(name):
	cleaned = m.safe_file_name(name.replace("/", ""))
	if cleaned:
		assert (
			m.allowed_file_address("/files/" + cleaned)
			or not cleaned.isprintable()
			or any(ch.isspace() and ch != " " for ch in cleaned)
		)


@pytest.mark.parametrize(
	"value, stored",
	[
		('"x" onmouseover="alert(1)" <b@example.com>', "b@example.com"),
		("&lt;img src=x onerror=alert(1)&gt; <b@example.com>, c@example.com", "b@example.com, c@example.com"),
		("Bob <bob@example.com>", "bob@example.com"),
		("a@example.com, b@example.com", "a@example.com, b@example.com"),
		("a@example.com", "a@example.com"),
		("", ""),
	],
)
def test_a_recipient_list_keeps_bare_addresses(value, stored):
	assert m.clean_recipients(value) == stored


@pytest.mark.parametrize(
	"name", ['T2" onmouseover="alert(103)', "T&quot; x", "<b>T</b>", "it's", "a`b", "KB &#34; x", "a\nb"]
)
def test_a_tag_or_board_name_with_quotes_or_brackets_is_unsafe(name):
	assert m.unsafe_name(name)


@pytest.mark.parametrize("name", ["VIP", "重点客户", "Q3 2026 pipeline", "A&B", "50%"])
def test_an_ordinary_tag_or_board_name_is_safe(name):
	assert not m.unsafe_name(name)
