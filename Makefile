# Developer shortcuts. The README's two commands are the supported entry points;
# these targets are what they and CI run underneath.
.PHONY: help requirements upgrade test quality validate sandbox benchmarks clean

VENV ?= .venv
PY := $(VENV)/bin/python

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/ —/'

requirements:  ## install the pinned development requirements into .venv
	$(PY) -m pip install -r requirements/dev.txt -e .

upgrade:  ## recompile requirements/*.txt from requirements/*.in with pip-tools
	$(VENV)/bin/pip-compile --quiet --strip-extras --allow-unsafe -o requirements/base.txt requirements/base.in
	$(VENV)/bin/pip-compile --quiet --strip-extras --allow-unsafe -o requirements/test.txt requirements/test.in
	$(VENV)/bin/pip-compile --quiet --strip-extras --allow-unsafe -o requirements/quality.txt requirements/quality.in
	$(VENV)/bin/pip-compile --quiet --strip-extras --allow-unsafe -o requirements/dev.txt requirements/dev.in

test:  ## the test suite (what .ci/run runs)
	./run-tests

quality:  ## ruff, isort and import-linter
	$(VENV)/bin/ruff check cadre_policy_plugin cadre_credits_xblock sync_adapter sandbox tests benchmarks
	$(VENV)/bin/isort --check-only cadre_policy_plugin cadre_credits_xblock sync_adapter sandbox tests benchmarks
	$(VENV)/bin/lint-imports

validate: quality test  ## quality and tests, as in edx-cookiecutters

sandbox:  ## run the sandbox (the README's first command)
	./sandbox/run

benchmarks:  ## slow measurements, never part of the test suite
	./run-benchmarks

clean:
	rm -rf build dist *.egg-info .pytest_cache .ruff_cache test-artifacts
