"""Raise the floors in tests/eval/floors.json to the current scores (never lower them).

Run: .venv/bin/python scripts/raise_floors.py [--corpus-changed]
A floor becomes max(old floor, current score rounded down to 0.005); the false-deal ceiling min(old, current).
Lowering a floor is an explicit act: edit the file by hand and say why in the commit message. The exception is a
corpus that grew (articles added, say a former held-out set): `--corpus-changed` pins the scores measured on the
new corpus, and only works when the corpus differs from the one the floors were measured on."""

import json
import math
import subprocess
import sys
from pathlib import Path

from dealwire.evaluation import CEILING_METRICS, corpus_hash

ROOT = Path(__file__).resolve().parents[1]
FLOORS = ROOT / "tests" / "eval" / "floors.json"
CORPUS = ROOT / "tests" / "eval" / "corpus"


def main() -> None:
    run = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "dealwire"), "eval", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    metrics = json.loads(run.stdout.strip().splitlines()[-1])["metrics"]
    current = json.loads(FLOORS.read_text()) if FLOORS.exists() else {"floors": {}}
    floors = current["floors"]
    if "--corpus-changed" in sys.argv[1:]:
        if current.get("corpus_sha256") == corpus_hash(CORPUS):
            sys.exit("the corpus is the one the floors were measured on: floors can only be raised")
        floors = {}
    for name, value in metrics.items():
        if name in CEILING_METRICS:
            floors[name] = min(floors.get(name, value), value)
        else:
            floors[name] = max(floors.get(name, 0.0), math.floor(value * 200) / 200)
    FLOORS.write_text(json.dumps({"corpus_sha256": corpus_hash(CORPUS), "floors": floors}, indent=2) + "\n")
    json.dump(floors, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
