# One way in: the same targets run on a laptop and in CI (.ci/run calls `make test`).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
# pytest workers for `make test` (pytest-xdist); 2 matches the CI machine's cores
TEST_WORKERS ?= 2
# Run in one process after the workers: schemathesis gives every API operation's test the
# same node id, and xdist's --dist loadfile keeps one item per node id (99 of 102 were lost)
ONE_PROCESS_TESTS := $(wildcard tests/api/test_api_*schemathesis*.py)

.DEFAULT_GOAL := help
.PHONY: help demo test check lint typecheck services bench bench-backtest clean \
        web web-install web-test web-e2e api-client chromium bench-api bench-chat bench-risk bench-ml bench-execution

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.app: pyproject.toml | $(BIN)/python
	$(PIP) install -e ".[ml]"
	@touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(PIP) install -e ".[dev]"
	@touch $@ $(VENV)/.app

demo: $(VENV)/.app ## Set up and run the main job offline on the sample store, then serve the app
	$(BIN)/tetra demo
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory web; \
	 else echo "npm not found: serving the API without the web app (needs Node 20+)"; fi
	$(BIN)/tetra serve --sample

test: $(VENV)/.dev services check web-test web web-e2e ## Install test needs, start services, run every check and test
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --ignore-glob='*schemathesis*' --junitxml=build/junit.xml
	$(BIN)/pytest $(ONE_PROCESS_TESTS) --junitxml=build/junit-one-process.xml
	@$(BIN)/python scripts/junit-summary.py build/junit.xml build/junit-one-process.xml

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

bench-api: $(VENV)/.dev ## API load: coverage p50/p99 and req/s (wrk if installed), page load
	$(BIN)/python -m benchmarks.api_load

bench-execution: $(VENV)/.dev ## Order manager orders/s and latency (paper, Alpaca fake); reconcile 150 positions/1,000 orders
	$(BIN)/python -m benchmarks.execution.run

bench-risk: $(VENV)/.dev ## Pre-trade checks/s (150-position book); VaR + correlation + contributions
	$(BIN)/python -m benchmarks.risk.run

bench-chat: $(VENV)/.dev services ## Chat latency: question to SQL and SQL to rows, both stores
	@test -f data/sample.duckdb || $(BIN)/tetra demo
	$(BIN)/python -m benchmarks.chat_latency

bench-ml: $(VENV)/.dev ## ML: feature build (151 symbols x 10 years) and purged CV vs naive scikit-learn
	@test -f data/sample.duckdb || $(BIN)/tetra demo
	$(BIN)/python -m benchmarks.ml_features
	$(BIN)/python -m benchmarks.ml_training

bench-backtest: $(VENV)/.dev ## Backtest engines vs vectorbt, backtesting.py, backtrader (~8 min)
	benchmarks/peers/setup.sh
	$(BIN)/python -m benchmarks.backtest.run

web-install: web/node_modules/.installed

web/node_modules/.installed: web/package-lock.json
	npm --prefix web ci --no-audit --no-fund
	@touch $@

web: web-install ## Type-check and build the web app into web/dist
	npm --prefix web run build

web-test: web-install ## Web unit and component tests (Vitest)
	npm --prefix web test

web-e2e: web-install chromium ## Browser tests in Debian's Chromium (desktop and phone widths)
	E2E_SKIP_BUILD=1 npm --prefix web run e2e

chromium: ## Install Debian's Chromium for the browser tests if it is missing
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

api-client: $(VENV)/.dev ## Export the OpenAPI schema and regenerate the web app's typed client
	$(BIN)/tetra openapi
	npm --prefix web run generate:api

clean: ## Remove the virtualenv, caches and local data
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache .hypothesis web/node_modules web/dist
