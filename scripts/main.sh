#!/usr/bin/env bash
# Sets up a virtual environment (once) and runs the main job on the
# reference QMS in this repository: check it, then write every report
# (objectives, due list, coverage, registers, open NCRs, review packet,
# audit checklists) as Markdown, Word and JSON into build/reports/.
# Usage: bash scripts/main.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh
qms check
qms reports --format md --format docx --format json
qms site build
