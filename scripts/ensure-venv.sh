# Sourced by ./run-tests, ./run-benchmarks and ./sandbox/run: makes sure .venv exists and
# holds the pinned test requirements and this distribution (editable).  Re-installs only
# when requirements/test.txt or setup.py changed since the last install.
# shellcheck shell=bash
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

if [ ! -x "$VENV/bin/python" ]; then
  printf '\n== creating %s with %s\n' "$VENV" "$("$PYTHON" --version)"
  "$PYTHON" -m venv "$VENV"
fi
_stamp="$VENV/.installed-$(cat requirements/test.txt setup.py | sha1sum | cut -c1-12)"
if [ ! -f "$_stamp" ]; then
  printf '\n== installing requirements/test.txt and the distribution (editable) into %s\n' "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet -r requirements/test.txt
  "$VENV/bin/python" -m pip install --quiet --no-deps -e .
  rm -f "$VENV"/.installed-*
  touch "$_stamp"
fi
