"""Extraction records for database tests: the seed deal (Microsoft renting CoreWeave servers) at a given status."""

from typing import Any


def contract_extraction(status: str, amount: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "article": {"authors": ["Jane Doe"], "flags": []},
        "companies": [
            {
                "name": "Microsoft",
                "ticker": "MSFT",
                "cik": 789019,
                "mentions": ["Microsoft Corp.", "the tech giant"],
            },
            {"name": "CoreWeave", "ticker": "CRWV", "cik": 1769628, "mentions": ["CoreWeave Inc."]},
        ],
        "deals": [
            {
                "type": "contract",
                "status": status,
                "amount": amount,
                "term": "over the next several years",
                "parties": [
                    {"name": "Microsoft", "role": "customer"},
                    {"name": "CoreWeave", "role": "supplier"},
                ],
                "evidence": "Microsoft is poised to commit $10 billion to renting servers from CoreWeave.",
                "confidence": 0.9,
            }
        ],
    }


def usd(text: str, value: float, approximate: bool = False) -> dict[str, Any]:
    return {"text": text, "value": value, "currency": "USD", "usd": value, "approximate": approximate}
