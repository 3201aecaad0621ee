"""Value objects passed from sources to extractors."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RawDocument:
    """Bytes of one article as fetched or read, with where they came from."""

    source: str  # the input as the user gave it, or the configured source name
    url: str  # http(s) URL or file URI; the identity of the article before canonicalisation
    content: bytes
    content_type: str  # "text/html" or "text/plain"
    charset: str | None = None  # from the HTTP header, when there was one


@dataclass(frozen=True)
class Failure:
    """An input that could not be turned into an article, with a one-line reason."""

    source: str
    url: str
    reason: str
