# Two entry points: `make run` (set up and serve on 127.0.0.1:5000) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# apt-get needs root: use sudo when we are not root and sudo exists.
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

.PHONY: run test install install-test system-packages lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test system-packages

## Serve the app on the embedded SQLite database (seeds imported on first start).
run: install
	$(BIN)/annotator serve --host $(HOST) --port $(PORT)

## Debian's chromium (browser tests) and postgresql (the same tests on a real server),
## installed only when missing.
system-packages:
	@[ -x /usr/bin/chromium ] || { echo "installing Debian's chromium (browser tests)"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { echo "installing Debian's postgresql"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql; }

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

## Lint, then every test on SQLite: unit, web (Flask client, CLI) and browser (headless
## Chromium); then the web, database and migration tests again on a real PostgreSQL server.
test: install-test lint
	$(BIN)/pytest
	$(BIN)/pytest --postgres tests/web tests/unit/db tests/migrations

## Speed and memory figures, printed as JSON.
bench: install-test
	$(BIN)/python bench/benchmark.py

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
