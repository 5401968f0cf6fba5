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


def test_a_breakout_is_stored_as_character_references():
	assert m.clean('" onmouseover="alert(1)', identity) == "&quot; onmouseover=&quot;alert(1)"


def test_the_sanitizers_result_is_kept_when_it_runs_nothing():
	def drop_handlers(text):
		return re.sub(r"\s+on\w+=\S+?(?=>)", "", text)

	assert m.clean('"<img src=x onerror=alert(1)>"', drop_handlers) == '"<img src=x>"'
	assert m.clean("&lt;img src=x onerror=alert(1)&gt;", drop_handlers) == "<img src=x>"


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
	for fieldtype in ("Code", "JSON", "Attach", "Attach Image", "Password", "Link", "Int", "Select"):
		assert not m.is_guarded_field(fieldtype), fieldtype
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
