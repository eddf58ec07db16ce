# Two entry points for a fresh machine: `make demo` and `make test`; each creates the virtualenv it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint format venv neo4j-start neo4j-stop bench bench-quick eval clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev,dask]"
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/kg build examples/seed_abstracts.jsonl -o out/demo.json.gz
	$(BIN)/python examples/demo.py out/demo.json.gz

# Lint first: a few seconds, and `.ci/run` (which calls `make test` only) runs it too.
test: $(STAMP) lint
	$(BIN)/python -m pytest -q

# ruff (rules and format check) on every Python file, mypy on kg/; settings in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Rewrites the code in the project's format (what `ruff format --check` asks for).
format: $(STAMP)
	$(BIN)/ruff format .

eval: $(STAMP)
	$(BIN)/kg eval

bench-quick: $(STAMP)
	$(BIN)/python bench/run.py --quick

bench: $(STAMP)
	$(BIN)/python bench/run.py

neo4j-start: $(STAMP)
	$(BIN)/kg neo4j start

neo4j-stop: $(STAMP)
	$(BIN)/kg neo4j stop

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
