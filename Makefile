# atlaxis — the two commands a newcomer runs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint types unit e2e bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

## make run: set up, then start the app (the demo clinic, served on http://127.0.0.1:8000)
run: install
	$(BIN)/atlaxis demo

lint: install
	$(BIN)/ruff check src tests bench

types: install
	$(BIN)/mypy --strict src/atlaxis

unit: install
	$(BIN)/pytest -q -n 2 -p no:cacheprovider -m "not e2e"

## browser tests run in their own process (Playwright's event loop stays out of the others)
e2e: install
	$(BIN)/pytest -q -n 2 -p no:cacheprovider -m e2e tests/e2e

## make test: set up, then lint, type-check and run every test
test: lint types unit e2e

bench: install
	$(BIN)/python bench/scoring.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
