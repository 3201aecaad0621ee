"""Regenerate tests/fixtures/<case>.expected.json from the current extractor. Review the diff before committing:
a golden file is a statement of what the output should be, not a snapshot to refresh blindly."""

import json
from pathlib import Path

from extractors.article import parse_document
from extractors.extract import extract_articles
from extractors.pipeline import load_pipeline
from sources.local import read_file

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"


def main() -> None:
    nlp = load_pipeline()
    paths = sorted(p for p in FIXTURES.iterdir() if p.suffix in {".txt", ".html"})
    articles = [parse_document(read_file(path, path.name)) for path in paths]
    for path, (_, record) in zip(paths, extract_articles(nlp, articles), strict=True):  # type: ignore[arg-type]
        target = path.with_suffix(".expected.json")
        target.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {target.relative_to(FIXTURES.parents[1])}")


if __name__ == "__main__":
    main()
