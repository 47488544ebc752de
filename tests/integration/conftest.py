"""Fixtures of the integration suites: a small sample store for the simulator, built once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from small_sample import load_small_sample

from tetra.adapters.stores import open_store
from tetra.adapters.stores.base import SqlStore
from tetra.data.pipeline import Step
from tetra.data.store_kind import StoreKind

SYMBOLS = ("SPY", "TLT", "GLD", "QQQ", "BTC")
YEARS = 8  # 2017-12-31 .. 2025-12-31: holds Volmageddon, Q4 2018, 2020 and 2022


@pytest.fixture(scope="session")
def simulation_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory whose sample store holds eight years of five symbols."""
    data_dir = tmp_path_factory.mktemp("simulation") / "data"
    return load_small_sample(data_dir, SYMBOLS, (Step.MARKET_DATA, Step.CRYPTO), years=YEARS)


@pytest.fixture
def sample_store(simulation_data_dir: Path) -> Iterator[SqlStore]:
    store = open_store(str(simulation_data_dir / "sample.duckdb"), StoreKind.SAMPLE)
    yield store
    store.close()
