"""Run the pipeline over many articles at once and shape the results (`dealwire extract` output schema)."""

from collections.abc import Iterable, Iterator
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from extractors.article import Article

# Stored with every deal mention; bump it when extraction output changes so `dealwire reprocess` can find the
# mentions an older extractor made.
EXTRACTOR_VERSION = "0.2.0"


def article_docs(nlp: Language, articles: Iterable[Article]) -> Iterator[Doc]:
    for article in articles:
        doc = nlp.make_doc(article.text)
        # The money component converts to USD at the article's date, so the date travels with the Doc.
        doc._.published = article.published.isoformat() if article.published else None
        yield doc


def extract_articles(
    nlp: Language, articles: list[Article], batch_size: int = 16, n_process: int = 1
) -> Iterator[tuple[Article, dict[str, Any]]]:
    """Extract companies, money and deals from each article with one `nlp.pipe` call, in input order."""
    docs = nlp.pipe(article_docs(nlp, articles), batch_size=batch_size, n_process=n_process)
    for article, doc in zip(articles, docs, strict=True):
        yield article, extraction_of(article, doc)


def extraction_of(article: Article, doc: Doc) -> dict[str, Any]:
    """The extraction record of one article: article metadata, companies, money and deals."""
    return {
        "article": {
            "url": article.url if article.url.startswith("http") else None,
            "title": article.title,
            "published": article.published.isoformat() if article.published else None,
            "language": article.language,
            "authors": list(article.authors),
            "flags": list(article.flags),
        },
        "companies": [
            {
                "name": company["name"],
                "mentions": list(dict.fromkeys(m["text"] for m in company["mentions"])),
                "parent": company["parent"],
                "ticker": company["ticker"],
                "cik": company["cik"],
            }
            for company in doc._.companies
        ],
        "money": [{k: v for k, v in money.items() if k not in ("start", "end")} for money in doc._.money],
        "deals": doc._.deals,
    }
