"""The company gazetteer: SEC-listed companies (ticker, CIK) plus a curated list of private and foreign companies."""

import csv
import json
from dataclasses import dataclass
from functools import cache

from config.settings import CONFIG_DIR
from extractors.lexicons import strip_comments
from extractors.names import clean_company_name, name_key


@dataclass(frozen=True)
class KnownCompany:
    name: str  # canonical display name
    ticker: str | None = None
    cik: int | None = None
    curated: bool = False  # from the curated list: always a company, whatever the NER model says


@dataclass(frozen=True)
class Gazetteer:
    by_key: dict[str, KnownCompany]
    max_words: int

    def lookup(self, text: str) -> KnownCompany | None:
        return self.by_key.get(name_key(text))


def display_name(sec_title: str) -> str:
    """SEC titles are often all caps ("MICROSOFT CORP"); title-case those for display."""
    cleaned = clean_company_name(sec_title.split("/")[0])
    return cleaned.title() if cleaned.isupper() and len(cleaned) > 4 else cleaned


@cache
def load_gazetteer() -> Gazetteer:
    """Read both lists once per process. Curated entries win over SEC entries with the same key."""
    by_key: dict[str, KnownCompany] = {}
    sec_path = CONFIG_DIR / "companies" / "sec_companies.tsv"
    with sec_path.open(encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        for row in rows:
            company = KnownCompany(display_name(row["title"]), row["ticker"], int(row["cik"]))
            key = name_key(row["title"].split("/")[0])
            if key and key not in by_key:
                by_key[key] = company
    curated = strip_comments(
        json.loads((CONFIG_DIR / "companies" / "private.json").read_text(encoding="utf-8"))
    )
    for entry in curated["companies"]:
        aliases = [entry["name"], *entry["aliases"]]
        listed = next((by_key[k] for k in map(name_key, aliases) if k in by_key and by_key[k].ticker), None)

        company = KnownCompany(
            entry["name"], listed.ticker if listed else None, listed.cik if listed else None, curated=True
        )
        for alias in aliases:
            by_key[name_key(alias)] = company
    return Gazetteer(by_key, max(len(key.split()) for key in by_key))
