# The README's commands. Each target creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint format bench sample-data clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,service]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/assign demo

# test files share the machine's cores (a file's tests stay on one worker: module fixtures)
TEST_WORKERS ?= 2

test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: $(STAMP)
	$(BIN)/python bench/validate_speed.py
	$(BIN)/python bench/validate_messy.py
	$(BIN)/python bench/assignment_bench.py
	$(BIN)/python bench/weighted_bench.py
	$(BIN)/python bench/schedule_bench.py
	$(BIN)/python bench/replan_bench.py

# Regenerate the committed sample regions from the geography in data/geo/ (deterministic).
sample-data: $(STAMP)
	$(BIN)/python -m assign.sample.generate data

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
