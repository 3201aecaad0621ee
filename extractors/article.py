"""Turn fetched bytes into an Article: decoded text, title, publication date, language.

HTML goes through trafilatura (main text without navigation, footers or comments, and its htmldate-based date
finder); plain text keeps its lines. Headings stay their own lines: the NLP pipeline starts a new sentence at
every line break, so a heading never merges into the next sentence.
"""

import re
from dataclasses import dataclass
from datetime import date

import trafilatura
from bs4 import BeautifulSoup, UnicodeDammit

from extractors.lexicons import load_json
from sources.documents import Failure, RawDocument
from sources.urls import canonical_url

# English function words: their share of the words tells English text from other languages cheaply.
ENGLISH_MARKERS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "a",
        "in",
        "is",
        "that",
        "for",
        "on",
        "with",
        "as",
        "by",
        "at",
        "from",
        "it",
        "its",
        "was",
        "said",
        "has",
        "have",
        "will",
        "be",
        "are",
        "an",
        "which",
    ]
)
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
MAX_TITLE_CHARS = 200
APOSTROPHE = re.compile(r"(?<=\w)’(?=\w|\s|$)")

# Fewer words than this is a navigation stub, an error page or a consent wall, not an article.
MIN_ARTICLE_WORDS = 15


@dataclass(frozen=True)
class Article:
    """One article's text and metadata, ready for the NLP pipeline."""

    source: str
    url: str
    title: str | None
    published: date | None
    language: str | None
    text: str
    authors: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()  # "paywall", "consent": the text may be a teaser or a cookie wall


def decode(document: RawDocument) -> str:
    """Bytes to text: the HTTP charset, then the document's own declaration, then detection."""
    known = [document.charset] if document.charset else []
    dammit = UnicodeDammit(
        document.content, known_definite_encodings=known, is_html=document.content_type == "text/html"
    )
    if dammit.unicode_markup is None:
        return document.content.decode("utf-8", errors="replace")
    return dammit.unicode_markup


def looks_binary(content: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KB mean this is not a text document."""
    head = content[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    return bool(head) and controls / len(head) > 0.05


def guess_language(text: str) -> str | None:
    """'en' when English function words make up a normal share of the words, else None (unknown)."""
    words = WORD.findall(text[:20000].lower())
    if len(words) < 5:
        return None
    share = sum(word in ENGLISH_MARKERS for word in words) / len(words)
    return "en" if share >= 0.12 else None


def clean_lines(text: str) -> str:
    """Normalise whitespace inside lines and drop empty lines; one paragraph or heading per line.

    Press-release datelines ("PARIS--(BUSINESS WIRE)--Nimbus Forge") get spaces around their double dashes so
    the tokenizer does not glue the city and the wire service to the company name."""
    # A curly apostrophe inside or at the end of a word ("Microsoft’s", "Pelican Foods’ bid") is an apostrophe:
    # normalised so the tokenizer and parser treat possessives alike.
    text = APOSTROPHE.sub("'", text)
    lines = (
        re.sub(r"[ \t\u00a0]+", " ", re.sub(r"\s*--\s*", " -- ", line)).strip() for line in text.splitlines()
    )

    return "\n".join(line for line in lines if line)


def title_of_plain_text(text: str) -> str | None:
    """The first line is a headline when it is short, not a sentence, and followed by an empty line."""
    first, _, rest = text.lstrip().partition("\n")
    first = first.strip()
    if (
        not first
        or len(first) > MAX_TITLE_CHARS
        or (not rest.startswith("\n") and not rest.startswith("\r\n"))
    ):
        return None
    return None if first.endswith((".", "?", "!")) and not first.isupper() else first


def html_language(markup: str) -> str | None:
    tag = BeautifulSoup(markup[:5000], "lxml").find("html")
    lang = tag.get("lang") if tag else None
    return str(lang).split("-")[0].lower() if lang else None


def parse_html(document: RawDocument, markup: str) -> Article | Failure:
    extracted = trafilatura.bare_extraction(
        markup, url=document.url, with_metadata=True, include_comments=False, include_tables=False
    )
    if isinstance(extracted, dict):  # only with as_dict=True, which dealwire never asks for
        raise TypeError("trafilatura returned a dict")
    text = clean_lines(extracted.text or "") if extracted else ""
    if len(WORD.findall(text)) < MIN_ARTICLE_WORDS:
        return Failure(document.source, document.url, "not-article: no article text found in the page")
    assert extracted is not None  # text was found above
    title = extracted.title or None
    if title and not text.startswith(title):
        text = f"{title}\n{text}"
    published = date.fromisoformat(extracted.date) if extracted.date else None
    # The page's own canonical URL (link rel=canonical, og:url) when it gives one, without tracking parameters.
    url = canonical_url(extracted.url if extracted.url and extracted.url.startswith("http") else document.url)
    language = guess_language(text) or html_language(markup)
    authors = tuple(a.strip() for a in (extracted.author or "").split(";") if a.strip())
    return Article(document.source, url, title, published, language, text, authors, page_flags(text))


def page_flags(text: str) -> tuple[str, ...]:
    """ "paywall" / "consent" when the extracted text reads like a subscription or cookie wall."""
    lowered = text.lower()
    phrases = load_json("page_flags.json")
    return tuple(flag for flag in ("paywall", "consent") if any(p in lowered for p in phrases[flag]))


def parse_document(document: RawDocument) -> Article | Failure:
    """Parse one raw document into an Article, or a Failure with a reason a user can act on."""
    if not document.content.strip():
        return Failure(document.source, document.url, "not-article: empty document")
    if looks_binary(document.content):
        return Failure(
            document.source, document.url, "not-article: binary content, not a text or HTML article"
        )
    markup = decode(document)
    if document.content_type == "text/html":
        return parse_html(document, markup)
    text = clean_lines(markup)
    if not text:
        return Failure(document.source, document.url, "not-article: empty document")
    return Article(
        document.source, document.url, title_of_plain_text(markup), None, guess_language(text), text
    )
