"""The accuracy gate: extraction quality on the labeled corpus must stay at or above the pinned floors.

Floors live in tests/eval/floors.json with the hash of the corpus they were measured on. A floor is only ever
raised (scripts/raise_floors.py never lowers one); changing the corpus means re-measuring and updating the hash in
the same commit."""

import json
from pathlib import Path

from spacy.language import Language

from dealwire.evaluation import check_floors, corpus_articles, corpus_hash, evaluate, load_corpus
from extractors.extract import extract_articles

EVAL = Path(__file__).parent / "eval"


def test_corpus_is_the_one_the_floors_were_measured_on() -> None:
    floors = json.loads((EVAL / "floors.json").read_text())
    assert corpus_hash(EVAL / "corpus") == floors["corpus_sha256"], (
        "the corpus changed: re-run `dealwire eval`, then scripts/raise_floors.py, and commit both"
    )


def test_corpus_labels_are_consistent() -> None:
    corpus = load_corpus(EVAL / "corpus")
    assert len(corpus) >= 100
    assert sum(1 for a in corpus if not a.label["deals"]) >= 15
    for article in corpus:
        companies = article.label["companies"]
        for deal in article.label["deals"]:
            for party in deal["parties"]:
                assert party["name"] in companies, (article.id, party["name"])
            assert deal["evidence"] in article.text, (article.id, deal["evidence"][:60])


def test_scores_stay_above_floors(nlp: Language) -> None:
    corpus = load_corpus(EVAL / "corpus")
    articles = corpus_articles(corpus)
    extractions = [record for _, record in extract_articles(nlp, articles)]
    metrics = evaluate(corpus, extractions).metrics()
    floors = json.loads((EVAL / "floors.json").read_text())["floors"]
    assert set(floors) == set(metrics)
    problems = check_floors(metrics, floors)
    assert not problems, "\n".join(problems)
