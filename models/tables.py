"""The deal database schema. Unique constraints encode identity: an article by its URL, a company by its
normalised name, a deal by its natural key (type family + the set of its parties' companies)."""

from datetime import UTC, date, datetime

from sqlalchemy import Column, DateTime, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class Article(SQLModel, table=True):
    __tablename__ = "articles"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(unique=True, index=True, max_length=2048)
    content_hash: str = Field(index=True, max_length=64)
    source: str = Field(max_length=256)
    title: str | None = Field(default=None, sa_column=Column(Text))
    published: date | None = Field(default=None, index=True)
    language: str | None = Field(default=None, max_length=16)
    authors: str | None = Field(default=None, max_length=1024)  # "; "-separated
    flags: str | None = Field(default=None, max_length=64)  # "paywall", "consent", comma-separated
    text: str = Field(sa_column=Column(Text, nullable=False))
    extractor_version: str = Field(max_length=32)
    fetched_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class Company(SQLModel, table=True):
    __tablename__ = "companies"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True, max_length=512)  # extractors.names.name_key
    name: str = Field(max_length=512)
    ticker: str | None = Field(default=None, max_length=16)
    cik: int | None = None


class CompanyAlias(SQLModel, table=True):
    """Other names a company is found under ("Microsoft Corp.", "MSFT"), by their normalised key."""

    __tablename__ = "company_aliases"

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="companies.id", index=True)
    key: str = Field(unique=True, index=True, max_length=512)
    alias: str = Field(max_length=512)


class Deal(SQLModel, table=True):
    __tablename__ = "deals"

    id: int | None = Field(default=None, primary_key=True)
    deal_key: str = Field(unique=True, index=True, max_length=64)  # party_key + "#" + sequence
    party_key: str = Field(default="", index=True, max_length=64)  # type family + the set of parties
    type: str = Field(index=True, max_length=32)
    announced_on: date | None = None  # publication date of the first article reporting it announced
    completed_on: date | None = None

    status: str = Field(index=True, max_length=16)
    amount_text: str | None = Field(default=None, max_length=256)
    amount_value: float | None = None
    amount_currency: str | None = Field(default=None, max_length=8)
    amount_usd: float | None = Field(default=None, index=True)
    amount_approximate: bool = False
    term: str | None = Field(default=None, max_length=256)
    confidence: float = 0.0
    first_seen: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    last_seen: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class DealParty(SQLModel, table=True):
    __tablename__ = "deal_parties"
    __table_args__ = (UniqueConstraint("deal_id", "company_id", name="uq_deal_party"),)

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deals.id", index=True)
    company_id: int = Field(foreign_key="companies.id", index=True)
    role: str = Field(max_length=16)


class DealMention(SQLModel, table=True):
    """An article that reports a deal, with the sentence that states it."""

    __tablename__ = "deal_mentions"
    __table_args__ = (UniqueConstraint("deal_id", "article_id", name="uq_deal_mention"),)

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deals.id", index=True)
    article_id: int = Field(foreign_key="articles.id", index=True)
    evidence: str = Field(sa_column=Column(Text, nullable=False))
    evidence_start: int | None = None
    evidence_end: int | None = None
    confidence: float = 0.0
    extractor_version: str = Field(max_length=32)


class DealStatusChange(SQLModel, table=True):
    """Each status a deal has had, with the article that reported it (rumored → announced → completed …)."""

    __tablename__ = "deal_status_history"

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deals.id", index=True)
    article_id: int | None = Field(default=None, foreign_key="articles.id")
    status: str = Field(max_length=16)
    note: str | None = Field(default=None, max_length=256)
    changed_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class Source(SQLModel, table=True):
    """A source articles came from: a configured one (config/sources.toml) or an ad-hoc folder, URL or feed."""

    __tablename__ = "sources"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True, max_length=256)
    kind: str = Field(max_length=32)  # folder, urls, feed, sitemap, warc, url, path
    settings: str | None = Field(default=None, sa_column=Column(Text))  # JSON of its configuration
    first_seen: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    last_ingested: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class IngestRun(SQLModel, table=True):
    """One run of the ingest flow: what it was asked, what it did, how long it took."""

    __tablename__ = "ingest_runs"

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    finished_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    parameters: str = Field(sa_column=Column(Text, nullable=False))  # JSON
    articles_new: int = 0
    articles_duplicate: int = 0
    failed: int = 0
    deals_new: int = 0
    deals_updated: int = 0


class FetchFailure(SQLModel, table=True):
    """An input that could not become an article, and why. One row per URL; the latest reason wins."""

    __tablename__ = "fetch_failures"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(unique=True, index=True, max_length=2048)
    source: str = Field(max_length=256)
    kind: str = Field(default="other", index=True, max_length=32)  # timeout, too-large, refused, http, …

    reason: str = Field(sa_column=Column(Text, nullable=False))
    attempts: int = 1
    last_attempt: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class HttpValidator(SQLModel, table=True):
    """The ETag / Last-Modified a feed or sitemap last answered with, for the next conditional GET."""

    __tablename__ = "http_validators"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(unique=True, index=True, max_length=2048)
    etag: str | None = Field(default=None, max_length=512)
    last_modified: str | None = Field(default=None, max_length=128)
    checked_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
