# Sourced by ./run-tests, ./run-benchmarks and ./sandbox/run: makes sure .venv exists and
# holds the pinned requirements ($REQUIREMENTS, default the test ones) and this distribution (editable).  Re-installs only
# when requirements/test.txt or setup.py changed since the last install.
# shellcheck shell=bash
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
REQUIREMENTS=${REQUIREMENTS:-requirements/test.txt}

if [ ! -x "$VENV/bin/python" ]; then
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
