"""Loading the data files in `config/` that rules read: lexicons, patterns, the company gazetteer."""

import json
from functools import cache
from pathlib import Path
from typing import Any

from config.settings import CONFIG_DIR

LEXICON_DIR = CONFIG_DIR / "lexicons"


@cache
def load_json(name: str) -> Any:
    """A JSON lexicon from config/lexicons/, without its `_comment` keys (cached: the files are read-only)."""
    return strip_comments(json.loads((LEXICON_DIR / name).read_text(encoding="utf-8")))


def strip_comments(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: strip_comments(item) for key, item in value.items() if not key.startswith("_")}
    if isinstance(value, list):
        return [strip_comments(item) for item in value]
    return value


def read_lines(path: Path) -> list[str]:
    """Non-empty, non-comment lines of a text lexicon."""
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


@cache
def load_lines(name: str) -> tuple[str, ...]:
    return tuple(read_lines(LEXICON_DIR / name))
