# Every target installs what it needs first, so each works on a fresh machine.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.DEFAULT_GOAL := help
.PHONY: help demo test lint typecheck check bench docs lock

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

demo: $(BIN)/.installed  ## Install, then report on the demo organisation
	$(BIN)/tandem report tandem/examples/northwind.yaml

test: $(BIN)/.installed  ## Install, then run the test suite
	$(BIN)/pytest -n auto --cov

lint: $(BIN)/.installed  ## Format check and lint (ruff)
	$(BIN)/ruff format --check tandem tests benchmarks
	$(BIN)/ruff check tandem tests benchmarks

typecheck: $(BIN)/.installed  ## Static types (mypy --strict)
	$(BIN)/mypy

check: lint typecheck test  ## Everything CI runs

bench: $(BIN)/.installed  ## Benchmarks; writes docs/performance.md
	$(BIN)/python benchmarks/run.py

docs: $(BIN)/.installed  ## Regenerate docs/cli-reference.md from the commands' --help
	$(BIN)/python -m tandem.cli.reference > docs/cli-reference.md

lock:  ## Re-pin every dependency (with uv, installed in .venv-lock)
	test -x .venv-lock/bin/uv || ($(PYTHON) -m venv .venv-lock && .venv-lock/bin/pip install --quiet uv)
	.venv-lock/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		--output-file requirements.lock
