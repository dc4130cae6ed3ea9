# fasttrack: two commands set everything up on a fresh machine.
#   make demo   run the whole chain on built-in defaults
#   make test   run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: venv test test-fast test-synth bench demo lint typecheck clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# the always-on subset without the long runs
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not fullsynth" $(PYTEST_ARGS)

# the full-size resource estimates behind the fullsynth marker (yosys, up to about 50 min each)
test-synth: $(STAMP)
	$(BIN)/python -m pytest -m fullsynth $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m pytest benchmarks --benchmark-enable --benchmark-only $(PYTEST_ARGS)

demo: $(STAMP)
	$(BIN)/fasttrack demo --out build/demo

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

clean:
	rm -rf build .pytest_cache .benchmarks
