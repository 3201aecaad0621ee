"""Sitemaps, sitemap indexes and Google News sitemaps, parsed with lxml without entity expansion or network."""

from dataclasses import dataclass
from datetime import date, datetime

from lxml import etree

NAMESPACES = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


class SitemapError(ValueError):
    """A sitemap that is not well-formed XML or not a sitemap."""


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    modified: date | None  # news:publication_date when present, else lastmod
    is_index: bool  # an entry of a sitemap index: another sitemap, not an article


def safe_parser() -> etree.XMLParser:
    # No entity resolution, DTD loading or network access: a billion-laughs or external-entity sitemap parses to
    # nothing dangerous. huge_tree stays off, so libxml2's own depth and size limits apply.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse_date(text: str | None) -> date | None:
    if not text:
        return None
    value = text.strip()
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None


def parse_sitemap(body: bytes) -> list[SitemapEntry]:
    """Entries of a <urlset> (articles) or a <sitemapindex> (more sitemaps)."""
    try:
        root = etree.fromstring(body, parser=safe_parser())
    except etree.XMLSyntaxError as exc:
        raise SitemapError(f"malformed sitemap: {exc}") from None
    if root is None:
        raise SitemapError("empty sitemap")
    tag = etree.QName(root).localname
    if tag not in ("urlset", "sitemapindex"):
        raise SitemapError(f"not a sitemap (root element <{tag}>)")
    is_index = tag == "sitemapindex"
    entries = []
    for node in root.findall("sm:sitemap" if is_index else "sm:url", NAMESPACES):
        location = node.findtext("sm:loc", namespaces=NAMESPACES)
        if not location:
            continue
        published = node.findtext("news:news/news:publication_date", namespaces=NAMESPACES)
        modified = parse_date(published) or parse_date(node.findtext("sm:lastmod", namespaces=NAMESPACES))
        entries.append(SitemapEntry(location.strip(), modified, is_index))
    return entries


def in_range(day: date | None, start: date | None, end: date | None) -> bool:
    """Whether an entry dated `day` belongs to [start, end]; undated entries belong to every range."""
    if day is None:
        return True
    return (start is None or day >= start) and (end is None or day <= end)
