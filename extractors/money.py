"""The money grammar: every amount form of business news, parsed to value, ISO currency and flags.

Pure regular expressions over the text, built from `config/lexicons/currencies.json` and `money_cues.json`, so a new
currency word or scale is a data change. `find_amounts` is used by the spaCy component in `extractors.pipeline`.
"""

import re
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from extractors.fx import to_usd
from extractors.lexicons import load_json


@dataclass(frozen=True)
class Money:
    text: str
    start: int  # character offsets in the text
    end: int
    value: float | None  # None when undisclosed
    currency: str | None
    usd: float | None = None
    approximate: bool = False
    minimum: float | None = None  # range bounds; equal to value for a single amount
    maximum: float | None = None
    disclosed: bool = True
    per_share: bool = False
    alternative: "Money | None" = None  # "£1.3 billion ($1.7 billion)": the bracketed conversion

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "text": self.text,
            "value": whole(self.value),
            "currency": self.currency,
            "usd": whole(self.usd),
            "approximate": self.approximate,
            "disclosed": self.disclosed,
        }
        if self.minimum is not None and self.maximum is not None and self.minimum != self.maximum:
            data["min"], data["max"] = whole(self.minimum), whole(self.maximum)
        if self.per_share:
            data["per_share"] = True
        if self.alternative is not None:
            data["alternative"] = {k: v for k, v in self.alternative.as_dict().items() if k != "alternative"}
        return data


def whole(value: float | None) -> float | int | None:
    """Integral amounts as ints, so JSON shows 10000000000 rather than 10000000000.0."""
    return int(value) if value is not None and float(value).is_integer() else value


def alternation(words: list[str]) -> str:
    """A regex alternation, longest first so 'US$' wins over '$' and 'lakh crore' over 'lakh'."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class Grammar:
    pattern: re.Pattern[str]
    undisclosed: re.Pattern[str]
    symbols: dict[str, str]
    codes: frozenset[str]
    words: dict[str, str]
    scales: dict[str, float]
    number_words: dict[str, float]


@cache
def grammar() -> Grammar:
    """Compile the grammar once per process from the lexicon files."""
    currencies = load_json("currencies.json")
    cues = load_json("money_cues.json")
    symbols: dict[str, str] = currencies["symbols"]
    codes = frozenset(currencies["codes"])
    words = {key.lower(): value for key, value in currencies["words"].items()}
    scales = {key.lower(): float(value) for key, value in currencies["scales"].items()}
    attached = set(currencies["attached_only_scales"])
    number_words = {key.lower(): float(value) for key, value in currencies["number_words"].items()}

    symbol = f"(?:{alternation(list(symbols))})"
    code = f"(?:{alternation(sorted(codes))})"
    digits = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
    spelled_units = alternation([w for w in number_words if w not in {"a", "an", "half a"}])
    spelled = rf"(?:{spelled_units})(?:[- ](?:{spelled_units}))*|half a|an?"
    spaced_scales = alternation([s for s in scales if s not in attached])
    attached_scales = alternation(sorted(attached))
    # An attached scale ("2.5bn", "$5m") must be followed by a non-letter so "5 miles" or "2 models" don't match.
    scale = rf"(?:\s?(?:{spaced_scales})\b|(?:{attached_scales})(?![a-zA-Z]))"
    number = rf"(?:{digits}|(?<![\w$])(?:{spelled})(?=\s+(?:{spaced_scales})\b))"
    word_currency = f"(?:{alternation(list(words))})"
    amount = rf"(?P<num§>{number})(?P<scale§>{scale})?"
    prefixed = (
        rf"(?P<sym§>{symbol}|{code}\s?)\s?{amount}"
        rf"(?:\s(?P<suf§>{word_currency})\b)?"
    )
    suffixed = rf"{amount}\s(?P<word§>{word_currency}|{code})\b"
    approximate = frozenset(cue.lower() for cue in cues["approximate"])
    qualifier = rf"(?:(?P<qual>{alternation(sorted(approximate))})\s)?"
    between = r"(?:(?P<between>between)\s)?"

    def one(i: int) -> str:
        # "§" marks group names that are numbered per amount (regex braces rule out str.format).
        return rf"(?:{prefixed.replace('§', f'{i}p')}|{suffixed.replace('§', f'{i}s')})"

    # A second amount after "and"/"to"/"-" makes a range; the first amount may omit its scale and currency
    # ("between 5 and 7 billion dlrs", "$5-7 billion").
    bare_first = rf"(?P<barenum>{digits})"
    full = (
        rf"{qualifier}{between}"
        rf"(?:(?P<baresym>{symbol})?{bare_first}\s?(?:and|to|-|–)\s?(?:{one(3)}|(?P<num4p>{digits})(?P<scale4p>{scale}))"
        rf"|{one(1)}(?:\s?(?:and|to|-|–)\s?{one(2)})?)"
    )
    per_share = alternation(sorted(cues["per_share"], key=len, reverse=True))
    pattern = re.compile(rf"{full}(?P<pershare>\s(?:{per_share})\b)?", re.IGNORECASE)
    undisclosed = re.compile(alternation(cues["undisclosed"]), re.IGNORECASE)
    return Grammar(pattern, undisclosed, symbols, codes, words, scales, number_words)


def group(match: re.Match[str], name: str) -> str | None:
    """The named group in its prefixed ("p") or suffixed ("s") variant, whichever matched."""
    for variant in (f"{name}p", f"{name}s"):
        if variant in match.re.groupindex and match.group(variant) is not None:
            return match.group(variant)
    return None


def number_value(text: str, g: Grammar) -> float:
    lowered = text.lower().strip()
    if lowered in g.number_words:
        return g.number_words[lowered]
    if re.fullmatch(r"[\d.,]+", lowered):
        return float(lowered.replace(",", ""))
    total = 0.0
    for part in re.split(r"[- ]", lowered):
        word_value = g.number_words[part]
        total = total * word_value if word_value == 100 else total + word_value
    return total


def currency_of(match: re.Match[str], i: int, g: Grammar) -> str | None:
    symbol = group(match, f"sym{i}")
    word = group(match, f"suf{i}") or group(match, f"word{i}")
    if word:
        upper = word.upper()
        # "C$ ... Canadian dollars" or "$ ... dlrs": the more specific of the two wins.
        from_word = upper if upper in g.codes else g.words[word.lower()]
        if not symbol or from_word != "USD":
            return from_word
    if symbol:
        symbol = symbol.strip()
        return g.symbols.get(symbol) or g.symbols.get(symbol.upper()) or symbol.upper()
    return None


def scaled(match: re.Match[str], i: int, g: Grammar) -> float | None:
    num = group(match, f"num{i}")
    if num is None:
        return None
    scale = group(match, f"scale{i}")
    factor = g.scales[re.sub(r"\s+", " ", scale.strip().lower())] if scale else 1.0
    return round(number_value(num, g) * factor, 2)


def parse_match(match: re.Match[str], g: Grammar) -> Money | None:
    qualifier = (match.group("qual") or "").lower()
    if match.group("barenum") is not None:
        # "$5-7 billion" / "between 5 and 7 billion dlrs": the first number borrows the second's scale.
        i = 3 if group(match, "num3") is not None else 4
        high = scaled(match, i, g)
        if high is None:
            return None
        scale = group(match, f"scale{i}")
        factor = g.scales[re.sub(r"\s+", " ", scale.strip().lower())] if scale else 1.0
        low = round(number_value(match.group("barenum"), g) * factor, 2)
        currency = currency_of(match, 3, g) if i == 3 else None
        if currency is None and match.group("baresym"):
            currency = g.symbols[match.group("baresym")]
        if currency is None:
            return None
    else:
        low_value = scaled(match, 1, g)
        if low_value is None:
            return None
        low = low_value
        currency = currency_of(match, 1, g)
        high = scaled(match, 2, g)
        if high is not None:
            currency = currency or currency_of(match, 2, g)
    if currency is None:
        return None
    maximum = high if high is not None else low
    if maximum < low:
        return None
    approximate = bool(qualifier) or high is not None
    return Money(
        text=match.group(0).strip(),
        start=match.start(),
        end=match.end(),
        value=low,
        currency=currency,
        approximate=approximate,
        minimum=low,
        maximum=maximum,
        per_share=match.group("pershare") is not None,
    )


def find_amounts(text: str, published: date | None = None) -> list[Money]:
    """All money amounts in a text, in order, with USD values at the article's date where known.

    A bracketed amount right after another ("£1.3 billion ($1.7 billion)") is kept as that amount's
    `alternative`, not as a separate amount.
    """
    g = grammar()
    found: list[Money] = []
    for match in g.pattern.finditer(text):
        money = parse_match(match, g)
        if money is None or money.value is None:
            continue
        money = replace(money, usd=to_usd(money.value, money.currency, published))
        previous = found[-1] if found else None
        if (
            previous
            and previous.alternative is None
            and re.fullmatch(r"\s*\(\s*", text[previous.end : money.start])
        ):
            found[-1] = replace(previous, alternative=money)
            continue
        found.append(money)
    for match in g.undisclosed.finditer(text):
        found.append(
            Money(
                text=match.group(0),
                start=match.start(),
                end=match.end(),
                value=None,
                currency=None,
                disclosed=False,
            )
        )
    return sorted(found, key=lambda money: money.start)
