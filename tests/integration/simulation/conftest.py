"""A small sample store for the simulator's integration tests, built once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tetra.adapters.stores import open_store
from tetra.adapters.stores.base import SqlStore
from tetra.cli.pipeline import build_plan, run_with_progress
from tetra.cli.sources import sample_sources
from tetra.data.pipeline import Mode, Step
from tetra.data.sources import Window
from tetra.data.store_kind import StoreKind
from tetra.data.universe import Universe, load_universe
from tetra.sample.history import SampleSpec

SYMBOLS = ("SPY", "TLT", "GLD", "QQQ", "BTC")
SPEC = SampleSpec(years=8)  # 2017-12-31 .. 2025-12-31: holds Volmageddon, 2020 and 2022


@pytest.fixture(scope="session")
def simulation_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory whose sample store holds eight years of five symbols."""
    data_dir = tmp_path_factory.mktemp("simulation") / "data"
    universe = load_universe()
    chosen = Universe(tuple(universe.get(symbol) for symbol in SYMBOLS))
    window = Window(SPEC.end.replace(year=SPEC.end.year - SPEC.years), SPEC.end)
    plan = build_plan(Mode.BACKFILL, window, chosen, (Step.MARKET_DATA, Step.CRYPTO), False, False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TETRA_DATA_DIR", str(data_dir))
        patch.delenv("TETRA_SAMPLE_STORE_URL", raising=False)
        result = run_with_progress(
            StoreKind.SAMPLE, chosen, plan, sample_sources(list(chosen), SPEC)
        )
    assert result.status == "success"
    return data_dir


@pytest.fixture
def sample_store(simulation_data_dir: Path) -> Iterator[SqlStore]:
    store = open_store(str(simulation_data_dir / "sample.duckdb"), StoreKind.SAMPLE)
    yield store
    store.close()
