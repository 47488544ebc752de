# One way in: the same targets run on a laptop and in CI (.ci/run calls `make test`).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.DEFAULT_GOAL := help
.PHONY: help demo test check lint typecheck services bench bench-backtest clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.app: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	@touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(PIP) install -e ".[dev]"
	@touch $@ $(VENV)/.app

demo: $(VENV)/.app ## Set up and run the main job offline on the embedded sample store
	$(BIN)/tetra demo

test: $(VENV)/.dev services check ## Install test needs, start PostgreSQL and Redis, run every check and test
	$(BIN)/pytest

check: lint typecheck ## Static checks: ruff, mypy (strict), import-linter layer contracts

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(VENV)/.dev
	$(BIN)/mypy
	$(BIN)/lint-imports

services: ## Start PostgreSQL and Redis on 127.0.0.1 if they are not running
	@scripts/ensure-services.sh

bench: $(VENV)/.dev services ## Run the benchmarks (see benchmarks/README.md)
	$(BIN)/python -m benchmarks.store_load
	$(BIN)/python -m benchmarks.pipeline_run

bench-backtest: $(VENV)/.dev ## Backtest engines vs vectorbt, backtesting.py, backtrader (~8 min)
	benchmarks/peers/setup.sh
	$(BIN)/python -m benchmarks.backtest.run

clean: ## Remove the virtualenv, caches and local data
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache .hypothesis
