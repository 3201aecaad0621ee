"""The money grammar: every amount form of the issue, and a property test that formats and parses back."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.money import find_amounts

CASES = [
    ("$10 billion", 10e9, "USD", False),
    ("US$65.6 billion", 65.6e9, "USD", False),
    ("C$1.1bn", 1.1e9, "CAD", False),
    ("HK$3.2 billion", 3.2e9, "HKD", False),
    ("€2.5bn", 2.5e9, "EUR", False),
    ("1.2 trillion yen", 1.2e12, "JPY", False),
    ("Rs 5,000 crore", 5e10, "INR", False),
    ("25 mln dlrs", 25e6, "USD", False),
    ("542.2 MLN STG", 542.2e6, "GBP", False),
    ("4.3 billion Canadian dlr", 4.3e9, "CAD", False),
    ("two mln dlr", 2e6, "USD", False),
    ("ten billion dollars", 10e9, "USD", False),
    ("nearly $12 billion", 12e9, "USD", True),
    ("more than $1bn", 1e9, "USD", True),
    ("¥350 billion", 350e9, "JPY", False),
    ("₹800 crore", 8e9, "INR", False),
    ("A$450 million", 450e6, "AUD", False),
    ("CHF 2 billion", 2e9, "CHF", False),
    ("EUR 1.2 billion", 1.2e9, "EUR", False),
]


@pytest.mark.parametrize(("text", "value", "currency", "approximate"), CASES)
def test_amount_forms(text: str, value: float, currency: str, approximate: bool) -> None:
    [money] = find_amounts(f"The company agreed to pay {text} for the unit.")
    assert money.value == pytest.approx(value)
    assert money.currency == currency
    assert money.approximate is approximate
    assert money.usd is not None and money.usd > 0


def test_range_keeps_both_bounds() -> None:
    [money] = find_amounts("valued between $5 billion and $7 billion")
    assert (money.minimum, money.maximum, money.approximate) == (5e9, 7e9, True)
    [short] = find_amounts("a $5-7 billion deal")
    assert (short.minimum, short.maximum) == (5e9, 7e9)


def test_bracketed_conversion_is_an_alternative_not_a_second_amount() -> None:
    [money] = find_amounts("for £1.3 billion ($1.7 billion) in cash")
    assert money.currency == "GBP" and money.value == 1.3e9
    assert money.alternative is not None and money.alternative.value == 1.7e9


def test_undisclosed_amount_is_flagged() -> None:
    [money] = find_amounts("bought the startup for an undisclosed sum")
    assert money.disclosed is False and money.value is None


def test_per_share_price_is_flagged() -> None:
    [money] = find_amounts("offered 15 dlrs a share")
    assert money.per_share is True


def test_dated_conversion_uses_the_article_date() -> None:
    [early] = find_amounts("€1 billion", date(2002, 1, 2))
    [late] = find_amounts("€1 billion", date(2024, 1, 2))
    assert early.usd is not None and late.usd is not None
    assert early.usd < 0.95e9 < late.usd  # the euro was below 0.95 USD in early 2002 and above 1.05 in 2024


def test_numbers_without_currency_are_not_money() -> None:
    assert find_amounts("it has 5 models, 2 m users and 3 million customers in 2025") == []


def format_amount(style: str, number: float, scale_word: str) -> str:
    text = f"{number:,.2f}".rstrip("0").rstrip(".")
    return {
        "dollar": f"${text} {scale_word}",
        "usd_prefix": f"US${text} {scale_word}",
        "euro_short": f"€{text}{ {'million': 'm', 'billion': 'bn'}[scale_word] }",
        "wire": f"{text} {'mln' if scale_word == 'million' else 'billion'} dlrs",
        "sterling_wire": f"{text} {'mln' if scale_word == 'million' else 'bln'} stg",
        "yen": f"{text} {scale_word} yen",
        "code": f"CHF {text} {scale_word}",
    }[style]


CURRENCY_OF_STYLE = {
    "dollar": "USD",
    "usd_prefix": "USD",
    "euro_short": "EUR",
    "wire": "USD",
    "sterling_wire": "GBP",
    "yen": "JPY",
    "code": "CHF",
}


@settings(max_examples=200, deadline=None)
@given(
    style=st.sampled_from(sorted(CURRENCY_OF_STYLE)),
    number=st.decimals(min_value="0.01", max_value="9999.99", places=2).map(float),
    scale_word=st.sampled_from(["million", "billion"]),
)
def test_format_then_parse_round_trips(style: str, number: float, scale_word: str) -> None:
    text = format_amount(style, number, scale_word)
    [money] = find_amounts(f"Shares rose after it agreed to pay {text} on Monday.")
    scale = 1e6 if scale_word == "million" else 1e9
    assert money.value == pytest.approx(number * scale, rel=1e-9)
    assert money.currency == CURRENCY_OF_STYLE[style]
