"""Company-name normalisation shared by the extractor, the database and the evaluation."""

import re
import unicodedata
from functools import cache

from extractors.lexicons import load_lines

POSSESSIVE = re.compile(r"(?:['’]s|s['’])$|['’]$")
GENERIC_TAILS = {"group", "holdings", "holding", "cos", "companies"}
LEADING_ARTICLE = re.compile(r"^(?:the)\s+", re.IGNORECASE)


@cache
def legal_suffixes() -> frozenset[str]:
    """Legal-form words, lower-cased and without dots ("S.A." → "sa")."""
    return frozenset(word.lower().replace(".", "") for word in load_lines("legal_suffixes.txt"))


def strip_possessive(text: str) -> str:
    return POSSESSIVE.sub("", text.strip()).strip()


def clean_company_name(text: str) -> str:
    """ "The Goldman Sachs Group Inc.’s" → "Goldman Sachs": article, possessive, legal form and generic tail off.

    Words are only removed from the end while something remains, so "Group" alone or "Co" alone survive.
    """
    name = LEADING_ARTICLE.sub("", strip_possessive(re.sub(r"\s+", " ", text)))
    words = name.replace(",", " ").split()
    suffixes = legal_suffixes()
    while len(words) > 1 and (
        words[-1].lower().replace(".", "") in suffixes or words[-1] in {"&", "-", "/", "and"}
    ):
        words.pop()
    while len(words) > 1 and words[-1].lower() in GENERIC_TAILS:
        words.pop()
    name = " ".join(words).strip(" .,;:-")
    # "AMERICAN MOTORS" in a wire headline: all-caps names of several letters read better title-cased.
    if name.isupper() and len(name) > 4 and " " in name:
        name = name.title()
    return name


def name_key(text: str) -> str:
    """A matching key: cleaned name, lower case, accents and punctuation removed ("Nestlé S.A." → "nestle")."""
    cleaned = clean_company_name(text)
    ascii_name = unicodedata.normalize("NFKD", cleaned).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9&]+", " ", ascii_name.lower().replace("&", " & ")).strip()
