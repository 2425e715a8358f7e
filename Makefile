# Pathways: `make run` to try it, `make test` to prove it. Both install what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
PG_URL ?= postgres://postgres@127.0.0.1:5432/pathways
PYTEST := $(UV) run --frozen pytest
# The database suites run on every core (pytest-xdist; each worker has its own test
# database). Browser tests share one live server and run on one.
WORKERS ?= auto

.PHONY: help install run test lint typecheck test-sqlite test-postgres test-browser bench clean

help:
	@echo "make run    install everything, load the demo borough, serve on http://127.0.0.1:8000"
	@echo "make test   install everything and run the whole suite (lint and layers, types, SQLite, PostgreSQL, browser)"

$(CURDIR)/.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

.venv/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

src/pathways/static/build/pathways.css: node_modules/.installed src/pathways/static/scss/pathways.scss
	npm run --silent build

install: .venv/.installed src/pathways/static/build/pathways.css

run: install
	DJANGO_DEBUG=true $(UV) run --frozen pathways demo
	DJANGO_DEBUG=true PATHWAYS_COUNCIL_NAME="$${PATHWAYS_COUNCIL_NAME:-Riverside Borough Council}" $(UV) run --frozen pathways serve --port 8000

lint: install
	$(UV) run --frozen ruff check src tests $(wildcard bench)
	$(UV) run --frozen ruff format --check src tests $(wildcard bench)
	$(UV) run --frozen lint-imports

typecheck: install
	$(UV) run --frozen mypy src

test-sqlite: install
	$(PYTEST) -m "not browser" -n $(WORKERS)

test-postgres: install
	@if bash scripts/ensure-postgres.sh; then \
		DATABASE_URL=$(PG_URL) $(PYTEST) -m "not browser" -n $(WORKERS) --create-db; \
	elif [ "$$CI" = "true" ]; then echo "PostgreSQL is required in CI" >&2; exit 1; \
	else echo "SKIPPED: PostgreSQL is not reachable on 127.0.0.1:5432 (CI runs it)"; fi

test-browser: install
	@if bash scripts/ensure-chromium.sh; then \
		$(PYTEST) -m browser && \
		if bash scripts/ensure-postgres.sh; then DATABASE_URL=$(PG_URL) $(PYTEST) -m browser --create-db; fi; \
	elif [ "$$CI" = "true" ]; then echo "Chromium is required in CI" >&2; exit 1; \
	else echo "SKIPPED: no Chromium at /usr/bin/chromium (apt-get install chromium; CI installs it)"; fi

test: lint typecheck test-sqlite test-postgres test-browser

bench: install
	$(UV) run --frozen python bench/run.py
	$(UV) run --frozen python bench/matching.py
	$(UV) run --frozen python bench/reports.py
	$(UV) run --frozen python bench/imports.py
	@if [ -n "$$DATABASE_URL" ]; then $(UV) run --frozen python bench/providers.py; else echo "bench/providers.py: needs PostgreSQL (DATABASE_URL)"; fi

clean:
	rm -rf .venv .tools node_modules src/pathways/static/build data
