# Sourced by ./run-tests, ./run-benchmarks and ./sandbox/run: makes sure .venv exists and
# holds the pinned requirements ($REQUIREMENTS, default the test + quality ones) and this distribution (editable).  Re-installs only
# when that requirements file or setup.py changed since the last install (the first run
# takes a few minutes).  Needs nothing but python3.11+ (or PYTHON=/path/to/python3.11).
# shellcheck shell=bash
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
REQUIREMENTS=${REQUIREMENTS:-requirements/quality.txt}

if [ ! -x "$VENV/bin/python" ]; then
  if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    echo "Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2
    exit 1
  fi
  printf '\n== creating %s with %s\n' "$VENV" "$("$PYTHON" --version)"
  "$PYTHON" -m venv "$VENV"
fi
_stamp="$VENV/.installed-$(cat "$REQUIREMENTS" setup.py | sha1sum | cut -c1-12)"
if [ ! -f "$_stamp" ]; then
  printf '\n== installing %s and the distribution (editable) into %s\n' "$REQUIREMENTS" "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet -r "$REQUIREMENTS"
  "$VENV/bin/python" -m pip install --quiet --no-deps -e .
  rm -f "$VENV"/.installed-*
  touch "$_stamp"
fi
