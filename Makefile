# Every target installs what it needs first, so each works on a fresh machine.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.DEFAULT_GOAL := help
.PHONY: help install demo chromium oidc-provider screenshots bench-pages test test-fast test-postgres lint typecheck migrations-check deploy-check check bench bench-insight bench-db bench-api bench-edits bench-stats bench-deliveries bench-rhythm bench-scim bench-smoke docs lock

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

# The lock holds every package, the build backend included, pinned with == and hashes. pip
# installs exactly those (--no-deps: it resolves nothing, so no pip 23+ can reach for a release
# published after the lock, as it did for an extra like coverage[toml]) and builds Tandem with
# the locked hatchling (--no-build-isolation); pip check proves the set is whole.
$(BIN)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	touch $@

install: $(BIN)/.installed  ## Install Tandem and its pinned dependencies into .venv

# `make demo PORT=8001 HOST=0.0.0.0` serves the demo on another port or address (set on the
# command line only: a PORT or HOST the environment happens to hold is not used).
HOST := 127.0.0.1
PORT := 8000

demo: $(BIN)/.installed  ## Install, then serve the demo at http://127.0.0.1:8000/ (PORT=, HOST= to change)
	$(BIN)/tandem serve --demo --host $(HOST) --port $(PORT)

test-postgres: $(BIN)/.installed oidc-provider  ## The test suite on PostgreSQL (TANDEM_DATABASE_URL, default: local)
	TANDEM_DATABASE_URL=$${TANDEM_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} \
		$(BIN)/pytest -n auto -m "not browser"

test: $(BIN)/.installed chromium oidc-provider  ## Install, then run the test suite (browser tests included)
	$(BIN)/pytest -n auto --dist loadgroup --cov

test-fast: $(BIN)/.installed  ## The pure tests only (the engine, marked fast), in seconds
	$(BIN)/pytest -m fast -q -p no:cacheprovider tests/core

chromium:  ## Debian's chromium for the browser tests (installed with apt-get when root)
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			(apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 || \
			 (apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive \
			  apt-get install -y -q --no-install-recommends chromium >/dev/null)); \
		else echo "Browser tests need Debian's chromium: sudo apt-get install chromium"; fi; }

oidc-provider:  ## The test OpenID provider's npm packages, from its lock (the SSO tests need Node.js)
	@if command -v npm >/dev/null; then \
		test -d tests/oidc_provider/node_modules/oidc-provider || \
		(cd tests/oidc_provider && npm ci --no-audit --no-fund --loglevel=error); \
	else echo "The single sign-on tests need Node.js 20 and npm: sudo apt-get install nodejs npm"; fi

# lint-imports checks the import contracts in pyproject.toml: the layers only point down,
# tandem/core imports no framework, no cycles (docs/architecture.md).
lint: $(BIN)/.installed  ## Format check, lint (ruff) and the import contracts (lint-imports)
	$(BIN)/ruff format --check tandem tests benchmarks
	$(BIN)/ruff check tandem tests benchmarks
	$(BIN)/lint-imports

typecheck: $(BIN)/.installed  ## Static types (mypy --strict)
	$(BIN)/mypy

migrations-check: $(BIN)/.installed  ## Fail when a model change has no migration
	TANDEM_DATA_DIR=$$(mktemp -d) $(BIN)/tandem manage makemigrations --check --dry-run

deploy-check: $(BIN)/.installed  ## Django's deployment checklist with production settings
	TANDEM_DATA_DIR=$$(mktemp -d) TANDEM_HTTPS=true TANDEM_ALLOWED_HOSTS=okr.example.com \
		TANDEM_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
		$(BIN)/tandem manage check --deploy --fail-level WARNING

check: lint typecheck migrations-check deploy-check test test-postgres  ## Everything CI runs

bench: $(BIN)/.installed  ## Benchmarks (files, then the database); writes docs/performance.md
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/database.py

bench-db: $(BIN)/.installed  ## Database benchmarks only: SQLite and PostgreSQL (about 20 min)
	$(BIN)/python benchmarks/database.py

bench-insight: $(BIN)/.installed  ## The report with and without the insight (SPEC 5), 10k and 100k people
	$(BIN)/python benchmarks/insight.py

bench-api: $(BIN)/.installed  ## API latency and check-in throughput on tandem serve (about 10 min)
	$(BIN)/python benchmarks/api.py

bench-edits: $(BIN)/.installed  ## The organisation cache under 0.2, 1 and 5 edits/s, SQLite and PostgreSQL (about 8 min)
	$(BIN)/python benchmarks/edits.py

bench-stats: $(BIN)/.installed  ## A closed cycle's statistics at 10k people, engine and database (about 3 min)
	$(BIN)/python benchmarks/cycle_stats.py

bench-deliveries: $(BIN)/.installed  ## Delivery throughput to local SMTP and webhook sinks (about 1 min)
	$(BIN)/python benchmarks/deliveries.py

bench-rhythm: $(BIN)/.installed  ## Reminders and digests for 10k and 100k people (about 10 min); prints, writes benchmarks/data
	$(BIN)/python benchmarks/rhythm.py

bench-scim: $(BIN)/.installed  ## SCIM: 10k users created one POST at a time on tandem serve (about 5 min)
	$(BIN)/python benchmarks/scim.py

bench-pages: $(BIN)/.installed  ## Server time of every web page, demo and 10k people (about 5 min)
	$(BIN)/python benchmarks/pages.py

# Every benchmark at a tiny size (100 people, half-second runs), to prove they still run: CI
# runs it. Generated files, databases and servers are temporary (PostgreSQL at
# TANDEM_BENCH_POSTGRES, default the local one, gets a database of its own, dropped at the end);
# nothing is written to docs/ or benchmarks/data/. About 2 min on 2 cores.
bench-smoke: $(BIN)/.installed  ## Every benchmark at a tiny size, as CI runs them; writes nothing
	PYTHONDONTWRITEBYTECODE=1 $(BIN)/python benchmarks/run.py --smoke
	PYTHONDONTWRITEBYTECODE=1 $(BIN)/python benchmarks/insight.py --smoke
	PYTHONDONTWRITEBYTECODE=1 $(BIN)/python benchmarks/database.py --smoke
	PYTHONDONTWRITEBYTECODE=1 $(BIN)/python benchmarks/pages.py --smoke
	PYTHONDONTWRITEBYTECODE=1 $(BIN)/python benchmarks/api.py --smoke
	PYTHONDONTWRITEBYTECODE=1 $(BIN)/python benchmarks/edits.py --smoke
	PYTHONDONTWRITEBYTECODE=1 $(BIN)/python benchmarks/request_to_inbox.py --smoke
	PYTHONDONTWRITEBYTECODE=1 $(BIN)/python benchmarks/cycle_stats.py --smoke
	PYTHONDONTWRITEBYTECODE=1 $(BIN)/python benchmarks/deliveries.py --smoke
	PYTHONDONTWRITEBYTECODE=1 $(BIN)/python benchmarks/rhythm.py --smoke
	PYTHONDONTWRITEBYTECODE=1 $(BIN)/python benchmarks/imports.py --smoke
	PYTHONDONTWRITEBYTECODE=1 $(BIN)/python benchmarks/scim.py --smoke

screenshots: $(BIN)/.installed chromium oidc-provider  ## Retake docs/screenshots/ (the demo's pages; docs/onboarding.md's walk-throughs; the README's terminal pictures)
	$(BIN)/python -m tests.terminal_screenshots
	$(BIN)/python -m tests.browser.screenshots
	$(BIN)/python -m tests.browser.onboarding_screenshots

docs: $(BIN)/.installed  ## Regenerate docs/cli-reference.md from the commands' --help
	$(BIN)/python -m tandem.cli.reference > docs/cli-reference.md

lock:  ## Re-pin every dependency (with uv, installed in .venv-lock)
	test -x .venv-lock/bin/uv || ($(PYTHON) -m venv .venv-lock && .venv-lock/bin/pip install --quiet uv)
	.venv-lock/bin/uv pip compile pyproject.toml requirements-build.in --extra dev --generate-hashes --python-version 3.11 \
		--output-file requirements.lock
