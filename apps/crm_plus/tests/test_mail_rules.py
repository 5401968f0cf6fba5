"""Tier 1: the rules for mail customers send in (crm_plus.domain.mail)."""

from crm_plus.domain import mail


def test_robots_are_recognised():
	assert mail.is_automatic({"Auto-Submitted": "auto-replied"})
	assert not mail.is_automatic({"Auto-Submitted": "no"})
	assert mail.is_automatic({"X-Autoreply": "yes"})
	assert mail.is_automatic({"Precedence": "Bulk"})
	assert mail.is_automatic({"Content-Type": "multipart/report; report-type=delivery-status"})
	assert mail.is_automatic({"Return-Path": "<>"})
	assert mail.is_automatic({}, "MAILER-DAEMON@example.com")
	assert not mail.is_automatic({"Subject": "The pump leaks", "Return-Path": "<a@b.c>"}, "a@b.c")


def test_html_becomes_safe_text():
	html = "<style>p{}</style><script>alert(1)</script><p>Order 1 &amp; 2</p><p>late</p><br><br><br>x"
	text = mail.html_to_text(html)
	assert text == "Order 1 & 2\n\nlate\n\nx"
	out = mail.description_html("a <b>\n\nc")
	assert out == "<p>a &lt;b&gt;</p><p><br></p><p>c</p>"
	assert "<script" not in mail.description_html(mail.html_to_text("<script>x</script><b>y</b>"))


def test_description_is_bounded():
	assert mail.description_html("x" * 50000).count("x") == mail.DESCRIPTION_LIMIT


def test_a_mailed_link_is_an_anchor_whose_text_is_the_address():
	url = "https://crm.example.com/survey?token=a_b-c&x=<1>"
	assert mail.link_html(url) == (
		'<a href="https://crm.example.com/survey?token=a_b-c&amp;x=&lt;1&gt;">'
		"https://crm.example.com/survey?token=a_b-c&amp;x=&lt;1&gt;</a>"
	)
	html = mail.sentence_with_link("Tell us <now>: {0}", "https://x.test/survey?token=A_1")
	assert html == (
		'<p>Tell us &lt;now&gt;: <a href="https://x.test/survey?token=A_1">https://x.test/survey?token=A_1</a></p>'
	)
