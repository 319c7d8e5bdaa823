# Two commands a newcomer needs: `make demo` and `make test`. Both build .venv from nothing but Python.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit docs bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m funnelkit.demo

test: lint typecheck unit docs

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks docs examples
	$(BIN)/ruff format --check src tests benchmarks docs examples

typecheck: $(STAMP)
	$(BIN)/mypy src tests examples

unit: $(STAMP)
	$(BIN)/pytest --cov --cov-report=term-missing -p no:cacheprovider

# no --quiet: it hides the warnings that --strict counts, and a build with warnings then passes
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir $(VENV)/site

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .coverage .mypy_cache .ruff_cache .pytest_cache
