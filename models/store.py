"""Storing extraction results: idempotent upserts of articles, companies, deals, parties and mentions."""

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from extractors.deal_types import STATUS_ORDER, TYPE_FAMILY
from extractors.names import name_key
from models.tables import (
    Article,
    Company,
    CompanyAlias,
    Deal,
    DealMention,
    DealParty,
    DealStatusChange,
    FetchFailure,
    HttpValidator,
    IngestRun,
    Source,
    utcnow,
)

T = TypeVar("T", bound=SQLModel)


@dataclass
class StoreSummary:
    articles_new: int = 0
    articles_duplicate: int = 0
    deals_new: int = 0
    deals_updated: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ExtractedArticle:
    """What the extract step hands to the store step for one article."""

    url: str
    source: str
    title: str | None
    published: Any  # date | None
    language: str | None
    text: str
    extraction: dict[str, Any]


def content_hash(text: str) -> str:
    """SHA-256 of the text with whitespace and case normalised, so re-rendered copies hash alike."""
    return hashlib.sha256(re.sub(r"\s+", " ", text).strip().lower().encode("utf-8")).hexdigest()


def party_key(deal: dict[str, Any]) -> str:
    """What deals between the same companies share: the type family and the set of the parties' companies."""
    parties = sorted({name_key(p["name"]) for p in deal["parties"]})
    return hashlib.sha256(f"{TYPE_FAMILY[deal['type']]}|{'|'.join(parties)}".encode()).hexdigest()[:40]


def stored_hashes(session: Session, hashes: Iterable[str]) -> set[str]:
    """The content hashes, among those given, of articles already stored (under any URL)."""
    wanted = list(set(hashes))
    return set(session.exec(select(Article.content_hash).where(col(Article.content_hash).in_(wanted))).all())


def insert_once(session: Session, row: T, existing: Callable[[], T | None]) -> tuple[T, bool]:
    """Insert a row inside a savepoint. When a concurrent writer inserted the same identity first (a unique
    constraint fires), return that row instead: constraints and upserts, not luck, keep runs from duplicating."""
    try:
        with session.begin_nested():
            session.add(row)
        return row, True
    except IntegrityError:
        found = existing()
        if found is None:
            raise
        return found, False


@dataclass
class BatchCache:
    """Companies and aliases already looked up in this transaction (storing is dominated by these lookups)."""

    companies: dict[str, Company] = field(default_factory=dict)
    aliases: set[str] = field(default_factory=set)


def get_or_create_company(
    session: Session, name: str, ticker: str | None, cik: int | None, cache: BatchCache | None = None
) -> Company:
    key = name_key(name)
    if cache is not None and key in cache.companies:
        return cache.companies[key]
    company = session.exec(select(Company).where(Company.key == key)).first()
    if company is not None:
        if company.ticker is None and ticker:
            company.ticker, company.cik = ticker, cik
    else:
        company, _ = insert_once(
            session,
            Company(key=key, name=name, ticker=ticker, cik=cik),
            lambda: session.exec(select(Company).where(Company.key == key)).first(),
        )
    if cache is not None:
        cache.companies[key] = company
    return company


def add_aliases(
    session: Session, company: Company, mentions: Iterable[str], cache: BatchCache | None = None
) -> None:
    """Remember the names a company was found under ("Microsoft Corp.") for alias-aware search."""
    assert company.id is not None
    for mention in mentions:
        if not mention[:1].isupper() or mention.lower().startswith("the "):
            continue  # "the tech giant" refers to the company but is not one of its names
        key = name_key(mention)

        if not key or key == company.key:
            continue
        if session.exec(select(CompanyAlias).where(CompanyAlias.key == key)).first() is None:
            try:
                with session.begin_nested():
                    session.add(CompanyAlias(company_id=company.id, key=key, alias=mention))
            except IntegrityError:
                pass  # a concurrent writer added the same alias


def upsert_article(session: Session, item: ExtractedArticle, version: str) -> tuple[Article, bool]:
    """Insert the article, or update it in place when its URL is already stored (re-extraction)."""
    meta = item.extraction.get("article", {})
    fields = {
        "content_hash": content_hash(item.text),
        "title": item.title,
        "published": item.published,
        "language": item.language,
        "text": item.text,
        "extractor_version": version,
        "authors": "; ".join(meta.get("authors", [])) or None,
        "flags": ",".join(meta.get("flags", [])) or None,
    }

    def stored() -> Article | None:
        return session.exec(select(Article).where(Article.url == item.url)).first()

    article = stored()
    if article is None:
        article, is_new = insert_once(session, Article(url=item.url, source=item.source, **fields), stored)
        if is_new:
            return article, True
    for name, value in fields.items():
        setattr(article, name, value)
    session.flush()
    return article, False


def same_deal(record: Deal, deal: dict[str, Any], published: date | None) -> bool:
    """A stored deal and a newly reported one between the same companies are the same deal unless their
    amounts differ by more than a factor of two, or the stored one ended over a year before this new report
    of a rumored or announced deal (a 2023 contract and a 2025 option stay apart)."""
    amount = deal.get("amount") or {}
    if record.amount_usd and amount.get("usd") and not 0.5 <= amount["usd"] / record.amount_usd <= 2:
        return False
    ended = record.completed_on or (record.last_seen.date() if record.status == "terminated" else None)
    return not (
        ended and published and deal["status"] in ("rumored", "announced") and (published - ended).days > 365
    )


def upsert_deal(
    session: Session,
    article: Article,
    deal: dict[str, Any],
    companies: dict[str, dict[str, Any]],
    version: str,
    cache: BatchCache | None = None,
) -> str:
    """Insert or update one deal with its parties and this article's mention; returns "new", "updated" or
    "unchanged". Among the deals with the same parties and type family, the one with a compatible amount and
    dates is this deal; when none is, this is another deal between the same companies."""
    shared = party_key(deal)
    candidates = session.exec(select(Deal).where(Deal.party_key == shared).order_by(col(Deal.id))).all()
    record = next((c for c in candidates if same_deal(c, deal, article.published)), None)
    key = f"{shared[:40]}#{len(candidates)}"

    def stored() -> Deal | None:
        return session.exec(select(Deal).where(Deal.deal_key == key)).first()

    created = False
    amount = deal.get("amount") or {}
    outcome = "unchanged"
    if record is None:
        record, created = insert_once(
            session,
            Deal(
                deal_key=key,
                party_key=shared,
                announced_on=article.published if deal["status"] in ("announced", "completed") else None,
                completed_on=article.published if deal["status"] == "completed" else None,
                type=deal["type"],
                status=deal["status"],
                amount_text=amount.get("text"),
                amount_value=amount.get("value"),
                amount_currency=amount.get("currency"),
                amount_usd=amount.get("usd"),
                amount_approximate=bool(amount.get("approximate")),
                term=deal.get("term"),
                confidence=deal.get("confidence", 0.0),
            ),
            stored,
        )
    if created:
        assert record.id is not None
        session.add(
            DealStatusChange(
                deal_id=record.id, article_id=article.id, status=record.status, note="first report"
            )
        )
        outcome = "new"
    else:
        # Status only moves forward; a precise amount replaces a missing or approximate one.
        assert record.id is not None

        if deal["status"] in ("announced", "completed") and record.announced_on is None:
            record.announced_on = article.published
        if deal["status"] == "completed" and record.completed_on is None:
            record.completed_on = article.published
        if STATUS_ORDER[deal["status"]] > STATUS_ORDER[record.status]:
            session.add(
                DealStatusChange(
                    deal_id=record.id,
                    article_id=article.id,
                    status=deal["status"],
                    note=f"was {record.status}",
                )
            )
            record.status, outcome = deal["status"], "updated"
        if amount.get("value") is not None and (
            record.amount_value is None or (record.amount_approximate and not amount.get("approximate"))
        ):
            record.amount_text, record.amount_value = amount.get("text"), amount.get("value")
            record.amount_currency, record.amount_usd = amount.get("currency"), amount.get("usd")
            record.amount_approximate, outcome = bool(amount.get("approximate")), "updated"
            session.add(
                DealStatusChange(
                    deal_id=record.id,
                    article_id=article.id,
                    status=record.status,
                    note=f"amount now {amount.get('text')}",
                )
            )
        record.term = record.term or deal.get("term")
        record.last_seen = utcnow()
    assert record.id is not None and article.id is not None  # both flushed above
    for party in deal["parties"]:
        info = companies.get(party["name"], {})
        company = get_or_create_company(session, party["name"], info.get("ticker"), info.get("cik"), cache)
        add_aliases(session, company, info.get("mentions", []), cache)
        assert company.id is not None  # flushed by insert_once, or loaded

        def stored_party(company_id: int = company.id) -> DealParty | None:
            return session.exec(
                select(DealParty).where(DealParty.deal_id == record.id, DealParty.company_id == company_id)
            ).first()

        # A deal created just now has no parties yet: no need to look before inserting.
        if created or stored_party() is None:
            insert_once(
                session, DealParty(deal_id=record.id, company_id=company.id, role=party["role"]), stored_party
            )

    def stored_mention() -> DealMention | None:
        return session.exec(
            select(DealMention).where(DealMention.deal_id == record.id, DealMention.article_id == article.id)
        ).first()

    if created or stored_mention() is None:
        _, added = insert_once(
            session,
            DealMention(
                deal_id=record.id,
                article_id=article.id,
                evidence=deal["evidence"],
                evidence_start=deal.get("evidence_start"),
                evidence_end=deal.get("evidence_end"),
                confidence=deal.get("confidence", 0.0),
                extractor_version=version,
            ),
            stored_mention,
        )
        if added and outcome == "unchanged":
            outcome = "updated"
    session.flush()
    return outcome


def store_extractions(session: Session, items: Iterable[ExtractedArticle], version: str) -> StoreSummary:
    """Store articles with their companies and deals. Articles already stored under the same URL are updated
    in place (a re-extraction), never duplicated."""
    summary = StoreSummary()
    cache = BatchCache()
    for item in items:
        article, is_new = upsert_article(session, item, version)
        summary.articles_new += is_new
        companies = {c["name"]: c for c in item.extraction["companies"]}
        for deal in item.extraction["deals"]:
            outcome = upsert_deal(session, article, deal, companies, version, cache)
            summary.deals_new += outcome == "new"
            summary.deals_updated += outcome == "updated"
    return summary


def record_failures(session: Session, failures: Iterable[dict[str, str]]) -> None:
    """One row per failed URL; a repeated failure updates its reason and attempt count."""
    for failure in failures:
        kind = failure["reason"].split(":", 1)[0] if ":" in failure["reason"] else "other"
        row = session.exec(select(FetchFailure).where(FetchFailure.url == failure["url"])).first()
        if row is None:
            session.add(
                FetchFailure(
                    url=failure["url"], source=failure["source"], reason=failure["reason"], kind=kind[:32]
                )
            )
        else:
            row.reason, row.kind, row.attempts, row.last_attempt = (
                failure["reason"],
                kind[:32],
                row.attempts + 1,
                utcnow(),
            )
    session.flush()


def load_validators(session: Session) -> dict[str, tuple[str | None, str | None]]:
    """URL → (ETag, Last-Modified) of every feed and sitemap seen before."""
    return {row.url: (row.etag, row.last_modified) for row in session.exec(select(HttpValidator)).all()}


def save_validators(session: Session, validators: dict[str, tuple[str | None, str | None]]) -> None:
    for url, (etag, last_modified) in validators.items():
        row = session.exec(select(HttpValidator).where(HttpValidator.url == url)).first()
        if row is None:
            session.add(HttpValidator(url=url, etag=etag, last_modified=last_modified))
        else:
            row.etag, row.last_modified, row.checked_at = etag, last_modified, utcnow()
    session.flush()


def record_run(session: Session, parameters: dict[str, Any], summary: StoreSummary, started: Any) -> int:
    """Keep one row per ingest run: its parameters, counts and timing."""
    run = IngestRun(
        started_at=started,
        finished_at=utcnow(),
        parameters=json.dumps(parameters, default=str),
        articles_new=summary.articles_new,
        articles_duplicate=summary.articles_duplicate,
        failed=len(summary.failed),
        deals_new=summary.deals_new,
        deals_updated=summary.deals_updated,
    )
    session.add(run)
    session.flush()
    assert run.id is not None
    return run.id


def stored_articles(session: Session, since: Any = None) -> list[ExtractedArticle]:
    """Articles to re-extract (published on or after `since` when given), without their extraction."""
    query = select(Article).order_by(col(Article.id))
    if since is not None:
        query = query.where(col(Article.published) >= since)
    return [
        ExtractedArticle(a.url, a.source, a.title, a.published, a.language, a.text, {})
        for a in session.exec(query).all()
    ]


def replace_extractions(session: Session, items: list[ExtractedArticle], version: str) -> StoreSummary:
    """Re-store articles extracted again: their mentions from other extractor versions are dropped first, and
    deals no article reports any more are deleted (a deal the new extractor splits or merges is rebuilt)."""
    urls = [item.url for item in items]
    article_ids = select(Article.id).where(col(Article.url).in_(urls))
    old = session.exec(
        select(DealMention).where(
            col(DealMention.article_id).in_(article_ids), DealMention.extractor_version != version
        )
    ).all()
    touched = {mention.deal_id for mention in old}
    for mention in old:
        session.delete(mention)
    session.flush()
    summary = store_extractions(session, items, version)
    for deal_id in touched:
        if session.exec(select(DealMention).where(DealMention.deal_id == deal_id)).first() is None:
            for table in (DealParty, DealStatusChange):
                for row in session.exec(select(table).where(table.deal_id == deal_id)).all():
                    session.delete(row)
            session.flush()
            deal = session.get(Deal, deal_id)
            if deal is not None:
                session.delete(deal)
    session.flush()
    return summary


def touch_sources(session: Session, sources: dict[str, tuple[str, str | None]]) -> None:
    """Record the sources a run read (name → (kind, settings JSON)), with when they were last ingested."""
    for name, (kind, settings) in sources.items():

        def stored(source_name: str = name) -> Source | None:
            return session.exec(select(Source).where(Source.name == source_name)).first()

        row = stored()
        if row is None:
            insert_once(session, Source(name=name, kind=kind, settings=settings), stored)
        else:
            row.kind, row.settings, row.last_ingested = kind, settings, utcnow()
    session.flush()
