#!/usr/bin/env bash
# Sets up a virtual environment (once), type-checks and lints the engine, and runs the whole test suite.
# Usage: bash scripts/test.sh [pytest options]
set -euo pipefail
cd "$(dirname "$0")/.."
QMS_EXTRAS="test" . scripts/venv.sh
bash scripts/install-clients.sh   # LibreOffice, CJK fonts, poppler, Chromium: only what is missing
# the engine keeps itself honest before any test runs: strict types and the
# lint rules ([tool.mypy] and [tool.ruff] in pyproject.toml); either failing fails CI
python -m mypy
python -m ruff check tools/qmskit
# the test modules run in parallel, one worker per core, each module whole in one worker, in the order
# tests/conftest.py gives (the site builds first; tests/sitekit.py shares them between workers);
# pass -n 0 to run in one process
python -m pytest -n auto --dist loadscope --no-loadscope-reorder "$@"
