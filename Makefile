# Two entry points: `make run` (set up and build everything) and `make test` (set up, run every test).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

.PHONY: run build test lint docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

run: $(STAMP)
	$(BIN)/kuzbass build

build: $(STAMP)
	$(BIN)/kuzbass build

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check kuzbass_graph tests
	$(BIN)/mypy kuzbass_graph

docs: $(STAMP)
	$(BIN)/python -m kuzbass_graph.docs

clean:
	rm -rf $(VENV) dist
