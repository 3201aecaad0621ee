"""Build config/companies/sec_companies.tsv from the SEC EDGAR company list in ../shared/data.

Run: .venv/bin/python scripts/build_gazetteer.py [PATH_TO_company_tickers.json]
The TSV keeps the SEC title, ticker and CIK; extractors.gazetteer derives its match keys from the title.
Funds, ETFs and trusts are left out: they are not deal parties and their names are generic.
"""

import csv
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "sec_company_tickers.json"
TARGET = ROOT / "config" / "companies" / "sec_companies.tsv"
SKIP = re.compile(r"\b(ETF|FUND|TRUST|PORTFOLIO|INDEX|ETN|SHARES|ISHARES|PROSHARES)\b", re.IGNORECASE)


def main(source: Path) -> None:
    entries = json.loads(source.read_text(encoding="utf-8")).values()
    seen: set[int] = set()
    rows = []
    for entry in entries:
        # One row per company: the first (most valuable) ticker of each CIK.
        if entry["cik_str"] in seen or SKIP.search(entry["title"]):
            continue
        seen.add(entry["cik_str"])
        rows.append((entry["title"], entry["ticker"], entry["cik_str"]))
    with TARGET.open("w", encoding="utf-8", newline="") as handle:
        handle.write(
            f"# Built by scripts/build_gazetteer.py from SEC EDGAR company_tickers.json ({source.name}, "
            "snapshot of August 2025; US government data, public domain).\n"
        )
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["title", "ticker", "cik"])
        writer.writerows(rows)
    print(f"{len(rows)} companies written to {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE)
