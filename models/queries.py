"""Queries of the deal database for the CLI and exports (the SQL views serve analysts directly)."""

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from extractors.names import name_key
from models.tables import Article, Company, CompanyAlias, Deal, DealMention, DealParty, DealStatusChange


def matching_company_ids(session: Session, text: str) -> set[int]:
    """Companies whose name contains the text (any case), whose ticker is it, or that are known under it as an
    alias ("msft", "Microsoft Corp" and "microsoft" all find Microsoft)."""
    key = name_key(text)
    by_name = select(Company.id).where(
        or_(
            func.lower(Company.name).contains(text.lower()),
            func.upper(Company.ticker) == text.upper(),
            col(Company.key) == key,
        )
    )
    by_alias = select(CompanyAlias.company_id).where(CompanyAlias.key == key)
    return {i for i in session.exec(by_name).all() if i is not None} | set(session.exec(by_alias).all())


def parties_of(session: Session, deal_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    rows = session.exec(
        select(DealParty.deal_id, Company.name, DealParty.role, Company.ticker)
        .join(Company, col(Company.id) == DealParty.company_id)
        .where(col(DealParty.deal_id).in_(list(deal_ids)))
        .order_by(col(DealParty.id))
    ).all()
    parties: dict[int, list[dict[str, Any]]] = {}
    for deal_id, name, role, ticker in rows:
        parties.setdefault(deal_id, []).append({"name": name, "role": role, "ticker": ticker})
    return parties


def deal_row(deal: Deal, parties: list[dict[str, Any]], sources: int) -> dict[str, Any]:
    return {
        "id": deal.id,
        "type": deal.type,
        "status": deal.status,
        "parties": parties,
        "amount": {
            "text": deal.amount_text,
            "value": deal.amount_value,
            "currency": deal.amount_currency,
            "usd": deal.amount_usd,
            "approximate": deal.amount_approximate,
        }
        if deal.amount_text
        else None,
        "term": deal.term,
        "confidence": deal.confidence,
        "first_seen": deal.first_seen.isoformat(),
        "last_seen": deal.last_seen.isoformat(),
        "sources": sources,
    }


def find_deals(
    session: Session,
    company: str | None = None,
    deal_type: str | None = None,
    status: str | None = None,
    since: date | None = None,
    until: date | None = None,
    min_usd: float | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Deals, newest first, filtered as `dealwire deals` allows."""
    query = select(Deal)
    if company:
        found = matching_company_ids(session, company)
        query = query.where(
            col(Deal.id).in_(select(DealParty.deal_id).where(col(DealParty.company_id).in_(found)))
        )
    if deal_type:
        query = query.where(Deal.type == deal_type)
    if status:
        query = query.where(Deal.status == status)
    if since:
        query = query.where(Deal.last_seen >= datetime.combine(since, time.min))
    if until:
        query = query.where(Deal.first_seen <= datetime.combine(until, time.max))
    if min_usd is not None:
        query = query.where(col(Deal.amount_usd) >= min_usd)
    deals = session.exec(query.order_by(col(Deal.first_seen).desc(), col(Deal.id).desc()).limit(limit)).all()
    ids = [d.id for d in deals if d.id is not None]
    parties = parties_of(session, ids)
    counts = dict(
        session.exec(
            select(DealMention.deal_id, func.count())
            .where(col(DealMention.deal_id).in_(ids))
            .group_by(col(DealMention.deal_id))
        ).all()
    )
    return [deal_row(d, parties.get(d.id or 0, []), counts.get(d.id or 0, 0)) for d in deals]


def deal_detail(session: Session, deal_id: int) -> dict[str, Any] | None:
    """One deal with its parties, status history and the articles and sentences that report it."""
    deal = session.get(Deal, deal_id)
    if deal is None:
        return None
    mentions = session.exec(
        select(DealMention, Article)
        .join(Article, col(Article.id) == DealMention.article_id)
        .where(DealMention.deal_id == deal_id)
        .order_by(col(Article.published))
    ).all()
    history = session.exec(
        select(DealStatusChange).where(DealStatusChange.deal_id == deal_id).order_by(col(DealStatusChange.id))
    ).all()
    row = deal_row(deal, parties_of(session, [deal_id]).get(deal_id, []), len(mentions))
    row["history"] = [
        {"status": h.status, "note": h.note, "at": h.changed_at.isoformat(), "article_id": h.article_id}
        for h in history
    ]
    row["mentions"] = [
        {
            "url": a.url,
            "title": a.title,
            "published": a.published.isoformat() if a.published else None,
            "evidence": m.evidence,
            "confidence": m.confidence,
            "extractor_version": m.extractor_version,
        }
        for m, a in mentions
    ]
    return row


def search_companies(session: Session, text: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Companies (alias-aware search) with how many deals each is a party to."""
    query = (
        select(Company, func.count(col(DealParty.id)))
        .join(DealParty, col(DealParty.company_id) == Company.id, isouter=True)
        .group_by(col(Company.id))
    )
    if text:
        query = query.where(col(Company.id).in_(matching_company_ids(session, text)))
    rows = session.exec(
        query.order_by(func.count(col(DealParty.id)).desc(), col(Company.name)).limit(limit)
    ).all()
    return [{"id": c.id, "name": c.name, "ticker": c.ticker, "cik": c.cik, "deals": n} for c, n in rows]


def flat_rows(deals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One flat row per deal for CSV: parties as "Name (role); …", amount columns spread out."""
    rows = []
    for deal in deals:
        amount = deal["amount"] or {}
        rows.append(
            {
                "id": deal["id"],
                "type": deal["type"],
                "status": deal["status"],
                "parties": "; ".join(f"{p['name']} ({p['role']})" for p in deal["parties"]),
                "amount_text": amount.get("text"),
                "amount_value": amount.get("value"),
                "amount_currency": amount.get("currency"),
                "amount_usd": amount.get("usd"),
                "term": deal["term"],
                "first_seen": deal["first_seen"],
                "last_seen": deal["last_seen"],
                "sources": deal["sources"],
            }
        )
    return rows
