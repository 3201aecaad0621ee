"""From bytes to articles: HTML and plain text, metadata, and bad input as recorded failures."""

from extractors.article import Article, parse_document
from sources.documents import Failure, RawDocument

PAGE = b"""<!DOCTYPE html><html lang="en"><head><title>Acme buys Widget | News</title>
<meta property="og:title" content="Acme buys Widget">
<meta property="article:published_time" content="2024-05-02T10:00:00Z">
<link rel="canonical" href="https://news.example.com/acme-widget"></head>
<body><nav><a href="/">Home</a><a href="/markets">Markets</a></nav>
<article><h1>Acme buys Widget</h1>
<p>Acme Corp. agreed to buy Widget Inc. for $2 billion in cash, the companies said on Thursday.</p>
<h2>Future Outlook</h2>
<p>Investors cheered the deal, sending shares of Acme up 5% in morning trading in New York.</p></article>
<footer>Copyright 2024 Example News. All rights reserved.</footer></body></html>"""


def raw(content: bytes, content_type: str = "text/html", charset: str | None = None) -> RawDocument:
    return RawDocument(
        source="test",
        url="https://news.example.com/a",
        content=content,
        content_type=content_type,
        charset=charset,
    )


def test_html_page_gives_text_title_date_and_keeps_headings_apart() -> None:
    article = parse_document(raw(PAGE))
    assert isinstance(article, Article)
    assert article.title == "Acme buys Widget"
    assert article.published is not None and article.published.isoformat() == "2024-05-02"
    assert article.url == "https://news.example.com/acme-widget"
    assert article.language == "en"
    assert "Future Outlook\nInvestors cheered" in article.text
    assert "Copyright" not in article.text and "Markets" not in article.text


def test_plain_text_headline_is_the_title() -> None:
    article = parse_document(
        raw(b"ACME TO BUY WIDGET FOR 25 MLN DLRS\n\nNEW YORK, March 2 - Acme Inc said.\n", "text/plain")
    )
    assert isinstance(article, Article)
    assert article.title == "ACME TO BUY WIDGET FOR 25 MLN DLRS"


def test_latin1_page_without_declared_charset_is_decoded() -> None:
    body = "<html><body><article><p>Société Générale agreed to lend EUR 2.5 million to Crédit Agricole, the "
    body += "banks said in a statement on Monday morning in Paris.</p></article></body></html>"
    article = parse_document(raw(body.encode("latin-1")))
    assert isinstance(article, Article)
    assert "Société Générale" in article.text


def test_empty_binary_and_textless_documents_are_failures_with_reasons() -> None:
    empty = parse_document(raw(b"   \n", "text/plain"))
    binary = parse_document(raw(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "text/plain"))
    textless = parse_document(raw(b"<html><body><nav><a href='/'>Home</a></nav></body></html>"))
    assert isinstance(empty, Failure) and empty.reason == "not-article: empty document"
    assert isinstance(binary, Failure) and "binary" in binary.reason
    assert isinstance(textless, Failure) and "no article text" in textless.reason
