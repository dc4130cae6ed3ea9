# fasttrack: two commands set everything up on a fresh machine.
#   make demo   run the whole chain on built-in defaults
#   make test   run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
PYACTS_VERSION := 48.1.0
ACTS_VENV := build/pyacts-venv

.PHONY: venv test test-fast test-synth test-longcosim test-longproof test-acts acts-venv bench demo lint typecheck clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest --durations=40 $(PYTEST_ARGS)

# the always-on subset without the long runs
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not fullsynth and not acts and not longcosim and not longproof" $(PYTEST_ARGS)

# the full-size resource estimates behind the fullsynth marker (yosys, up to about 50 min each)
test-synth: $(STAMP)
	$(BIN)/python -m pytest -m fullsynth $(PYTEST_ARGS)

# the 10^5-event co-simulations of both kernels behind the longcosim marker
test-longcosim: $(STAMP)
	$(BIN)/python -m pytest -m longcosim -s $(PYTEST_ARGS)

# the longest formal runs behind the longproof marker
test-longproof: $(STAMP)
	$(BIN)/python -m pytest -m longproof $(PYTEST_ARGS)

# ACTS' Fatras through pyacts, read back by fasttrack.io (pyacts lives in its own venv)
$(ACTS_VENV)/bin/python:
	$(PYTHON) -m venv $(ACTS_VENV)
	$(ACTS_VENV)/bin/python -m pip install --quiet pyacts==$(PYACTS_VERSION)

acts-venv: $(ACTS_VENV)/bin/python

test-acts: $(STAMP) acts-venv
	$(BIN)/python -m pytest -m acts tests/test_io_csv.py $(PYTEST_ARGS)

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
