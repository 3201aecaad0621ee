"""Dated exchange rates that work offline: the ECB reference rates that `currencyconverter` ships.

Rates exist from 1999-01-04; an earlier or later date uses the nearest available rate (the result is then an
approximation, which the README states). Pre-euro currencies go through their fixed 1999 euro conversion rates.
"""

from datetime import date
from functools import cache

from currency_converter import CurrencyConverter, RateNotFoundError

from extractors.lexicons import load_json


@cache
def converter() -> CurrencyConverter:
    # Loading the bundled ECB history takes ~0.3 s, so one converter per process.
    return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=True)


def to_usd(value: float, currency: str | None, on: date | None) -> float | None:
    """`value` in `currency` converted to US dollars at the rate of day `on` (latest rate when unknown)."""
    if currency is None:
        return None
    if currency == "USD":
        return value
    legacy = load_json("currencies.json")["legacy_euro_rates"]
    if currency in legacy:
        value, currency = value / legacy[currency], "EUR"
    rates = converter()
    if currency not in rates.currencies:
        return None
    try:
        return round(float(rates.convert(value, currency, "USD", date=on)), 2)
    except (RateNotFoundError, ValueError):
        return None
