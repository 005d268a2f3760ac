#!/usr/bin/env bash
# Set-up for ./sandbox/run: the same .venv and install stamp as ./run-tests
# (scripts/ensure-venv.sh), so whichever runs first does the install.
set -euo pipefail
cd "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../scripts/ensure-venv.sh
. scripts/ensure-venv.sh
