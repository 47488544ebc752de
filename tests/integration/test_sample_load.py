"""The sample universe loads into a sample store, idempotently, and nowhere else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from tetra.adapters.sources.sample import load_sample
from tetra.adapters.stores import open_store
from tetra.adapters.stores.base import SqlStore
from tetra.core.clock import FixedClock
from tetra.core.errors import SourceMismatch, StoreError
from tetra.data.ports import Query
from tetra.data.store_kind import StoreKind
from tetra.data.universe import load_universe
from tetra.simulation.sample_universe import SampleSpec

SPEC = SampleSpec(end=dt.date(2025, 12, 31), years=2)
CLOCK = FixedClock(dt.datetime(2026, 1, 2, 6, 0, tzinfo=dt.UTC))


@pytest.fixture
def sample_store(tmp_path: Path) -> Iterator[SqlStore]:
    store = open_store(tmp_path / "sample.duckdb", StoreKind.SAMPLE)
    yield store
    store.close()


def test_sample_load_writes_every_instrument_labelled_sample(sample_store: SqlStore) -> None:
    universe = list(load_universe())

    report = load_sample(sample_store, universe, SPEC, clock=CLOCK)

    assert report.instruments == len(universe)
    assert sample_store.count("market_data.ohlcv") == report.bars
    coverage = sample_store.coverage()
    assert {row.symbol for row in coverage} == {i.symbol for i in universe}
    assert {row.source for row in coverage} == {"sample"}
    assert report.last == dt.date(2025, 12, 31)


def test_sample_load_twice_leaves_the_data_unchanged(sample_store: SqlStore) -> None:
    universe = list(load_universe().by_group("crypto"))
    load_sample(sample_store, universe, SPEC, clock=CLOCK)
    before = sample_store.read(Query("market_data.ohlcv"))

    load_sample(sample_store, universe, SPEC, clock=CLOCK)

    after = sample_store.read(Query("market_data.ohlcv"))
    assert after.equals(before)
    assert sample_store.count("market_data.symbols") == len(universe)
    assert sample_store.count("ops.ingest_runs") == 1  # same clock, same run id: one record


def test_sample_load_records_progress_and_watermarks(sample_store: SqlStore) -> None:
    universe = list(load_universe().by_group("largest_stocks"))
    seen: list[tuple[int, int]] = []

    report = load_sample(
        sample_store, universe, SPEC, clock=CLOCK, on_progress=lambda d, t: seen.append((d, t))
    )

    assert seen[-1] == (report.bars, report.bars)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    marks = sample_store.read(Query("ops.watermarks"))
    assert len(marks) == len(universe)
    assert (marks["last_ts"].dt.date == dt.date(2025, 12, 31)).all()


def test_sample_data_is_refused_by_a_live_store(tmp_path: Path) -> None:
    live = open_store(tmp_path / "live.duckdb", StoreKind.LIVE)
    universe = list(load_universe().by_group("crypto"))
    try:
        with pytest.raises(StoreError, match="only into a sample store"):
            load_sample(live, universe, SPEC, clock=CLOCK)
        with pytest.raises(SourceMismatch):
            live.upsert("market_data.symbols", _sample_symbol_row())
    finally:
        live.close()


def _sample_symbol_row() -> object:
    import pandas as pd

    return pd.DataFrame(
        {
            "symbol": ["BTC"],
            "name": ["Bitcoin"],
            "asset_class": ["crypto"],
            "currency": ["USD"],
            "source": ["sample"],
        }
    )
