#!/usr/bin/env bash
# Set-up shared by ./sandbox/run: make sure .venv exists and holds the pinned test
# requirements and this distribution (editable).  Uses the same install stamp as
# ./run-tests, so whichever runs first does the install and the other skips it.
# Needs nothing but python3.11+ on the PATH (or PYTHON=/path/to/python3.11).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"

if [ ! -x "$VENV/bin/python" ]; then
  if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    echo "Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2
    exit 1
  fi
  echo "== creating $VENV with $("$PYTHON" --version)"
  "$PYTHON" -m venv "$VENV"
fi

REQS=requirements/test.txt
[ -f "$REQS" ] || REQS=requirements/test.in
stamp="$VENV/.installed-$(cat "$REQS" setup.py | sha1sum | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  echo "== installing $REQS and the distribution (editable); the first run takes a few minutes"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet -r "$REQS"
  "$VENV/bin/python" -m pip install --quiet --no-deps -e .
  rm -f "$VENV"/.installed-*
  touch "$stamp"
fi
