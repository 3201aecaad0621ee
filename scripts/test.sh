#!/usr/bin/env bash
# Run the default test suite (lint, types, tests). Long benchmarks are separate: see README "Benchmarks".
set -euo pipefail
cd "$(dirname "$0")/.."
export PREFECT_SERVER_ANALYTICS_ENABLED=false DO_NOT_TRACK=1
export PREFECT_HOME="${PREFECT_HOME:-$(mktemp -d)}"
.venv/bin/ruff check .
.venv/bin/mypy config dealwire extractors flows models sources
.venv/bin/python -m pytest -q "$@"
