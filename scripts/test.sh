#!/usr/bin/env bash
# Sets up a virtual environment (once) and runs the whole test suite.
# Usage: bash scripts/test.sh [pytest options]
set -euo pipefail
cd "$(dirname "$0")/.."
QMS_EXTRAS="test" . scripts/venv.sh
bash scripts/install-clients.sh   # LibreOffice, CJK fonts, poppler, Chromium: only what is missing
python -m pytest "$@"
