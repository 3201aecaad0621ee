"""Extraction speed: the full dealwire pipeline against raw `nlp.pipe` of the same model, on the same texts.

Run: .venv/bin/python bench/extract.py [--docs N] [--batch-size B]
Prints documents per second of (1) raw nlp.pipe with the same spaCy model, (2) the full extraction in one
process, (3) the full extraction with n_process=2, the ratio (2)/(1) and the speed-up (3)/(2). The last line is
one JSON object. Texts are the labeled corpus articles (tests/eval/corpus), repeated to N documents.
"""

import argparse
import json
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import spacy

from extractors.pipeline import default_model_name, load_pipeline

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "eval" / "corpus"


def texts(count: int) -> list[str]:
    corpus = [path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.txt"))]
    return [corpus[i % len(corpus)] for i in range(count)]


def docs_per_second(run: Callable[[], Iterable[object]], count: int) -> float:
    start = time.perf_counter()
    consumed = sum(1 for _ in run())
    elapsed = time.perf_counter() - start
    assert consumed == count
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=400)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    sample = texts(args.docs)
    words = sum(len(t.split()) for t in sample) / len(sample)
    model = default_model_name()
    raw = spacy.load(model)
    full = load_pipeline(model)
    for nlp in (raw, full):  # warm up: first calls allocate and fill caches
        list(nlp.pipe(sample[:20], batch_size=args.batch_size))

    raw_rate = docs_per_second(lambda: raw.pipe(sample, batch_size=args.batch_size), len(sample))
    full_rate = docs_per_second(lambda: full.pipe(sample, batch_size=args.batch_size), len(sample))
    two_rate = docs_per_second(
        lambda: full.pipe(sample, batch_size=args.batch_size, n_process=2), len(sample)
    )
    ratio = full_rate / raw_rate
    speedup = two_rate / full_rate
    print(
        f"model {model}; {len(sample)} documents of {words:.0f} words on average; batch size {args.batch_size}"
    )
    print(f"raw nlp.pipe (same model), 1 process : {raw_rate:7.1f} docs/s")
    print(
        f"dealwire extraction,       1 process : {full_rate:7.1f} docs/s  (ratio {ratio:.2f}; target >= 0.85)"
    )
    print(
        f"dealwire extraction,       2 processes: {two_rate:7.1f} docs/s  (speed-up {speedup:.2f}x; target >= 1.6)"
    )
    print(
        json.dumps(
            {
                "extract_docs_per_s": round(full_rate, 2),
                "raw_nlp_docs_per_s": round(raw_rate, 2),
                "ratio": round(ratio, 3),
                "speedup_n_process_2": round(speedup, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
