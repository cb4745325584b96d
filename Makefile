# Two entry points: `make run` (set up, build everything, serve it on 127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

.PHONY: run build test system-packages lint docs bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

run: $(STAMP)
	$(BIN)/kuzbass build
	$(BIN)/kuzbass serve

build: $(STAMP)
	$(BIN)/kuzbass build

system-packages:
	bash .ci/system-packages

test: system-packages $(STAMP)
	java -version 2>&1 | head -1
	$(BIN)/ruff check kuzbass_graph tests
	$(BIN)/mypy kuzbass_graph
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check kuzbass_graph tests
	$(BIN)/mypy kuzbass_graph

docs: $(STAMP)
	$(BIN)/python -m kuzbass_graph.docs

bench: $(STAMP)
	$(BIN)/kuzbass build --no-reason
	$(BIN)/python bench/catalogue_latency.py --synthesize 100
	$(BIN)/python bench/serve_load.py
	$(BIN)/python bench/site_build.py
	$(BIN)/python bench/site_draw.py
	$(BIN)/python bench/build_scale.py

clean:
	rm -rf $(VENV) dist
