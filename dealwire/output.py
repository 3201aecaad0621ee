"""Rendering results for people (Rich tables) and programs (JSON, JSON Lines, CSV)."""

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.table import Table


def money_text(amount: dict[str, Any] | None) -> str:
    if not amount:
        return "undisclosed"
    usd = amount.get("usd")
    if usd is None or amount.get("currency") == "USD":
        return str(amount["text"])
    return (
        f"{amount['text']} (≈ ${usd / 1e6:,.0f}m)"
        if usd < 1e9
        else f"{amount['text']} (≈ ${usd / 1e9:,.2f}bn)"
    )


def parties_text(parties: Iterable[dict[str, Any]]) -> str:
    return ", ".join(f"{p['name']} ({p['role']})" for p in parties)


def deals_table(rows: list[tuple[str, dict[str, Any]]], title: str) -> Table:
    """One row per deal: where it was found, type, status, parties with roles, amount, term, confidence."""
    table = Table(title=title, show_lines=False, expand=False)
    for column in ("source", "type", "status", "parties", "amount", "term", "conf."):
        table.add_column(column, overflow="fold")
    for source, deal in rows:
        table.add_row(
            source,
            deal["type"],
            deal["status"],
            parties_text(deal["parties"]),
            money_text(deal.get("amount")),
            deal.get("term") or "",
            f"{deal.get('confidence', 0):.2f}",
        )
    return table


def print_json(console: Console, value: Any) -> None:
    # Plain print (not Rich) so that JSON is never wrapped or styled.
    console.file.write(json.dumps(value, ensure_ascii=False, default=str) + "\n")


def csv_text(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
