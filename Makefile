# Two entry points: `make run` (set up and serve on 127.0.0.1:5000) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# apt-get needs root: use sudo when we are not root and sudo exists.
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

.PHONY: run test install install-test chromium lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test chromium

## Serve the app on the embedded SQLite database (seeds imported on first start).
run: install
	$(BIN)/annotator serve --host $(HOST) --port $(PORT)

## Chromium for the browser tests, from Debian's package, when it is missing.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "installing Debian's chromium for the browser tests"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; \
	fi

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Lint, then every test: unit, web (Flask client, CLI) and browser (headless Chromium).
test: install-test lint
	$(BIN)/pytest

## Speed and memory figures, printed as JSON.
bench: install-test
	$(BIN)/python bench/benchmark.py

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
