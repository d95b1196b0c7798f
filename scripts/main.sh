#!/usr/bin/env bash
# Sets up a virtual environment (once) and runs the main job on the
# reference QMS in this repository. Usage: bash scripts/main.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh
qms check
