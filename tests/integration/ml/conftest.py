"""A small sample store for the ML tests: 11 symbols, 3 years, macro, news, GPR, GDELT, posts.

Built once per session through the real pipeline into DuckDB, then opened read-only by
each test that needs it (tests that write get their own copy).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tetra.adapters.stores import open_store
from tetra.adapters.stores.base import SqlStore
from tetra.cli.pipeline import build_plan
from tetra.cli.sources import sample_sources
from tetra.core.clock import FixedClock
from tetra.data.pipeline import Mode, Pipeline, Step
from tetra.data.sources import Window
from tetra.data.store_kind import StoreKind
from tetra.data.universe import Universe, load_universe
from tetra.ml.inputs import FeatureInputs, load_inputs
from tetra.sample import SampleSpec
from tetra.sample.macro import SAMPLE_SERIES

SPEC = SampleSpec(years=3)
SYMBOLS = ("SPY", "QQQ", "IWM", "TLT", "GLD", "AAPL", "MSFT", "NVDA", "JPM", "XOM", "BTC")
FIRST, LAST = dt.date(2023, 1, 1), SPEC.end
CLOCK = FixedClock(dt.datetime(2026, 1, 2, 6, 0, tzinfo=dt.UTC))


@pytest.fixture(scope="session")
def ml_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ml-sample") / "sample.duckdb"
    universe = load_universe()
    chosen = Universe(tuple(universe.get(symbol) for symbol in SYMBOLS))
    plan = build_plan(
        Mode.BACKFILL, Window(FIRST, LAST), chosen,
        (Step.MARKET_DATA, Step.CRYPTO, Step.ECONOMIC_DATA, Step.NEWS_SENTIMENT, Step.GEOPOLITICAL,
         Step.SOCIAL),
        False, False, SAMPLE_SERIES,
    )  # fmt: skip
    with open_store(path, StoreKind.SAMPLE) as store:
        result = Pipeline(store, sample_sources(list(chosen), SPEC), clock=CLOCK).run(plan)
    assert result.status == "success", [(s.step, s.failures) for s in result.steps]
    return path


@pytest.fixture
def ml_store(ml_store_path: Path, tmp_path: Path) -> Iterator[SqlStore]:
    """A private copy of the session's sample store, writable."""
    copy = tmp_path / "sample.duckdb"
    shutil.copy(ml_store_path, copy)
    store = open_store(copy, StoreKind.SAMPLE)
    yield store
    store.close()


@pytest.fixture(scope="session")
def ml_inputs(ml_store_path: Path) -> FeatureInputs:
    with open_store(ml_store_path, StoreKind.SAMPLE) as store:
        return load_inputs(store, SYMBOLS, FIRST, LAST)
