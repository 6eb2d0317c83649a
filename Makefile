# Tend: `make run` serves Tend on the embedded SQLite database; `make test` runs every test.
# The server and browser suites run as two pytest processes: Playwright's sync API keeps an
# event loop running in its process, where pytest-asyncio's tests cannot start their own.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
TEST_INSTALLED := $(VENV)/.installed-test
PYTEST_ARGS ?=

.PHONY: run test lint format migration

$(INSTALLED): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Tend needs Python 3.11 or newer: install it, or run make PYTHON=/path/to/python3.11"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(TEST_INSTALLED): $(INSTALLED)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

run: $(INSTALLED)
	$(BIN)/tend serve

test: $(TEST_INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n auto tests/server $(PYTEST_ARGS)
	TEND_CHROMIUM="$$(bash scripts/find-chromium.sh)" $(BIN)/pytest -n auto tests/browser $(PYTEST_ARGS)

lint: $(TEST_INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# make migration APP=accounts: write a migration for a domain's changed tables.
migration: $(INSTALLED)
	PICCOLO_CONF=server.piccolo_conf $(BIN)/piccolo migrations new $(APP) --auto
