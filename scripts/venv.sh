# Sourced by main.sh and test.sh: creates .venv with Python 3.11+ and
# installs qmskit (editable) with the extras named in QMS_EXTRAS.
# Re-installs only when pyproject.toml changed since the last install.
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=".venv/.qmskit-installed-${QMS_EXTRAS:-base}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  if [ -n "${QMS_EXTRAS:-}" ]; then
    .venv/bin/python -m pip install --quiet -e ".[${QMS_EXTRAS}]"
  else
    .venv/bin/python -m pip install --quiet -e .
  fi
  touch "$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"
