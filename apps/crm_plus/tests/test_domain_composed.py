"""Tier 1: text the app composes into HTML (crm_plus.domain.composed)."""

from html.parser import HTMLParser

from crm_plus.domain import composed

PAYLOADS = (
	"<p>&lt;img src=x onerror=alert(1)&gt;</p>",  # a customer's mail showing the tag as text
	"a &lt;<b></b>img src=x onerror=alert(2)&gt;",  # the tag's parts split by markup
	"<&#105;mg src=x onerror=alert(3)>",  # a `<` in text, its letter an entity
	"&#60;svg onload=alert(4)&#x3e;",
	"&lt;<!-- c -->script&gt;alert(5)&lt;/script&gt;",
	"<div>x &lt; y</div><p>&LT;svg/onload=alert(6)&gt;</p>",
)


class _Tags(HTMLParser):
	def __init__(self):
		super().__init__(convert_charrefs=True)
		self.tags, self.text = [], []

	def handle_starttag(self, tag, attrs):
		self.tags.append(tag)

	def handle_data(self, data):
		self.text.append(data)


def parse(html):
	parser = _Tags()
	parser.feed(html)
	parser.close()
	return parser


def quoted(html):
	"""What Frappe's composer does for Reply: the message's text (entities decoded), put into HTML."""
	return "".join(parse(html).text)


def test_a_quoted_message_opens_no_tag():
	for html in PAYLOADS:
		assert parse(quoted(html)).tags, html  # the payload opens a tag when quoted as it is
		inert = composed.inert_quote(html)
		assert parse(quoted(inert)).tags == [], inert
		# it reads the same (the zero-width space is invisible) and keeps its markup
		assert quoted(inert).replace(composed.ZERO_WIDTH_SPACE, "") == quoted(html)
		assert composed.inert_quote(inert) == inert  # a second save adds nothing


def test_a_message_without_a_less_than_sign_is_kept_as_it_is():
	for html in ("<p>Order 1 &amp; 2</p>", "plain text", "", None, '<a title="&lt;x">y</a>'):
		assert composed.inert_quote(html) == html


def test_composed_text_is_escaped_once_whatever_shape_it_arrived_in():
	assert composed.escape('<img src=x onerror="a">') == "&lt;img src=x onerror=&quot;a&quot;&gt;"
	assert composed.escape(None) == ""
	for value in ("<img src=x onerror=alert(1)> moved", "a &lt; b", "a < b", "&lt;svg onload=x&gt;"):
		once = composed.as_html_text(value)
		assert parse(once).tags == [], once
		assert composed.as_html_text(once) == once
	assert composed.as_html_text("a &lt; b") == "a &lt; b"
	assert composed.as_html_text("<p>left</p><p>the team</p>") == "left\n\nthe team"
