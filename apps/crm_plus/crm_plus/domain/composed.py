"""Text the app puts into HTML: escaped when it is composed, and a stored message made inert for the
places that turn it back into text and then into HTML again.

A value the app composes into a notification subject, a timeline event or a form is plain text: it is
escaped once, where it is composed (`escape`). A value that may already be markup (a stored field,
which Frappe keeps as HTML) is read as the text a person sees (`text_of`) before it is escaped, so
the result is the same whether the value arrived raw or sanitized. Frappe's email composer quotes a
message by taking its text (entities decoded) and putting that text into the editor as HTML: a mail
whose text shows `<img onerror=...>` runs when staff press Reply. `inert_quote` gives every `<` of a
message's text a zero-width space, so its text never opens a tag again."""

import re
from html import escape as _escape
from html.parser import HTMLParser

from crm_plus.domain.mail import html_to_text

ZERO_WIDTH_SPACE = "\u200b"
_OPEN = re.compile("<(?!" + ZERO_WIDTH_SPACE + ")")


def escape(text) -> str:
	"""Plain text as HTML: `& < > " '` escaped (None is empty)."""
	return _escape("" if text is None else str(text), quote=True)


def text_of(value) -> str:
	"""The text a person reads in a stored value (markup dropped, entities decoded)."""
	return html_to_text("" if value is None else str(value))


def as_html_text(value) -> str:
	"""A stored value (raw or sanitized markup) as escaped text: idempotent, `as_html_text(as_html_text(v))
	== as_html_text(v)`."""
	return escape(text_of(value))


class _Inert(HTMLParser):
	"""Re-serializes HTML with every text `<` followed by a zero-width space; drops comments,
	declarations and processing instructions (their text could close and reopen markup)."""

	def __init__(self):
		super().__init__(convert_charrefs=True)
		self.out: list[str] = []

	def _tag(self, tag, attrs, close=""):
		parts = [tag]
		for name, value in attrs:
			if value is None:
				parts.append(name)
			else:
				parts.append(f'{name}="{_escape(inert_text(value), quote=True)}"')
		self.out.append(f"<{' '.join(parts)}{close}>")

	def handle_starttag(self, tag, attrs):
		self._tag(tag, attrs)

	def handle_startendtag(self, tag, attrs):
		self._tag(tag, attrs, " /")

	def handle_endtag(self, tag):
		self.out.append(f"</{tag}>")

	def handle_data(self, data):
		self.out.append(_escape(inert_text(data), quote=False))


def inert_text(text: str) -> str:
	return _OPEN.sub("<" + ZERO_WIDTH_SPACE, text)


def inert_quote(html: str | None) -> str | None:
	"""HTML whose text (as a browser decodes it) contains no `<` that could open a tag; the markup
	itself is kept. Unchanged when every `<` of the text is already followed by the space (idempotent)."""
	if not html or not _OPEN.search(text_of_all(html)):
		return html
	parser = _Inert()
	parser.feed(html)
	parser.close()
	return "".join(parser.out)


def text_of_all(html: str) -> str:
	"""Every character of text a parser decodes from the HTML, script and style included."""

	class _All(HTMLParser):
		def __init__(self):
			super().__init__(convert_charrefs=True)
			self.parts: list[str] = []

		def handle_data(self, data):
			self.parts.append(data)

	parser = _All()
	parser.feed(html)
	parser.close()
	return "".join(parser.parts)
