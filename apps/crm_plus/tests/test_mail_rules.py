"""Tier 1: the rules for mail customers send in (crm_plus.domain.mail)."""

import base64

import pytest

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


NAMES = {
	"gbk": "关于二〇二六年第三季度采购合同的补充协议.pdf",
	"gb2312": "采购合同附件.docx",
	"gb18030": "合同𠀀附件.pdf",  # a character only GB18030 has
	"big5": "合約附件.pdf",
	"utf-8": "合同附件（定稿）.pdf",
}


@pytest.mark.parametrize("charset", sorted(NAMES))
def test_attachment_names_are_read_in_their_charset_rfc2047(charset):
	name = NAMES[charset]
	raw = name.encode(charset)
	b_word = f"=?{charset}?B?{base64.b64encode(raw).decode()}?="
	q_word = f"=?{charset.upper()}?Q?" + "".join(f"={c:02X}" for c in raw) + "?="
	split = " ".join(
		f"=?{charset}?B?{base64.b64encode(raw[i : i + 9]).decode()}?=" for i in range(0, len(raw), 9)
	)
	for value in (b_word, q_word, split):  # a long name comes in several words, split anywhere
		assert mail.attachment_name(value) == name


@pytest.mark.parametrize("charset", sorted(NAMES))
def test_attachment_names_are_read_in_their_charset_rfc2231(charset):
	name = NAMES[charset]
	raw = name.encode(charset)
	# Python's email package gives RFC 2231 values as (charset, language, text of the raw bytes)
	assert mail.attachment_name((charset, "zh-cn", raw.decode("latin-1"))) == name
	assert mail.attachment_name((charset.upper(), "", raw.decode("latin-1"))) == name


def test_labels_are_read_as_their_supersets_and_raw_bytes_are_guessed():
	gbk_only = "镕铓.pdf".encode("gbk")  # GBK characters outside GB2312, labelled GB2312 by many clients
	assert mail.attachment_name(f"=?gb2312?B?{base64.b64encode(gbk_only).decode()}?=") == "镕铓.pdf"
	assert mail.attachment_name(("gb2312", None, gbk_only.decode("latin-1"))) == "镕铓.pdf"
	raw = "合同.pdf".encode("gbk").decode("ascii", "surrogateescape")  # 8-bit bytes, no encoding
	assert mail.attachment_name(raw) == "合同.pdf"
	assert mail.attachment_name(("x-unknown", None, "合同.pdf".encode().decode("latin-1"))) == "合同.pdf"
	assert mail.attachment_name("plain name.pdf") == "plain name.pdf"
	assert (
		mail.attachment_name("=?utf-8?B?" + base64.b64encode("../../x/合同.pdf".encode()).decode() + "?=")
		== "x 合同.pdf"
	)
	assert mail.attachment_name(None) is None and mail.attachment_name("") is None
	assert mail.raw_param('attachment; filename="a b.pdf"; size=3', "filename") == "a b.pdf"
	assert mail.raw_param("application/pdf; name=x.pdf", "name") == "x.pdf"
	assert mail.raw_param("attachment", "filename") is None


def _at(customer, contact=None, disabled=0):
	return {"customer": customer, "contact": contact, "disabled": disabled}


def test_one_customer_of_an_address_through_its_contact_or_its_own_field():
	assert mail.customer_of_address([_at("C1", "P1")]) == ("C1", "P1")
	assert mail.customer_of_address([_at("C1")]) == ("C1", None)
	assert mail.customer_of_address([_at("C1", "P1"), _at("C1")]) == ("C1", "P1")
	assert mail.customer_of_address([_at("C1", "P1"), _at("C1", "P2")]) == ("C1", None)
	assert mail.customer_of_address([]) == (None, None)


def test_a_deactivated_customer_is_matched_neither_by_its_contact_nor_its_own_address():
	# Mail matched a deactivated customer's contact, the public form the deactivated customer's own
	# address too: now neither way in matches a deactivated customer.
	assert mail.customer_of_address([_at("C1", "P1", disabled=1)]) == (None, None)
	assert mail.customer_of_address([_at("C1", disabled=1)]) == (None, None)
	# ... and an address shared with a deactivated customer names the active one alone.
	assert mail.customer_of_address([_at("C1", "P1", disabled=1), _at("C2")]) == ("C2", None)


def test_a_contact_of_one_customer_and_the_own_address_of_another_name_neither():
	# Mail tried the contacts first (C1), the form counted both (none): both count both now.
	assert mail.customer_of_address([_at("C1", "P1"), _at("C2")]) == (None, None)
	assert mail.customer_of_address([_at("C1", "P1"), _at("C2", "P2")]) == (None, None)
