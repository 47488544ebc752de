"""Golden test: real public-domain bars (bokeh_sampledata) through the same load path.

Every store must give back exactly the figures pinned here, computed once from the
package's data; a digest over the canonical rendering of every row catches any drift.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from tetra.data.ports import Query, Store
from tetra.testing.public_bars import PUBLIC_SOURCE, bokeh_bars

GOLDEN = {
    # symbol: (bars, first day, last day, sum of closes, sum of volumes)
    "AAPL": (3270, "2000-03-01", "2013-03-01", 494123.95, 60894142600),
    "GOOG": (2148, "2004-08-19", "2013-03-01", 1021329.17, 23689091800),
    "IBM": (3270, "2000-03-01", "2013-03-01", 373001.19, 22882631500),
    "MSFT": (3270, "2000-03-01", "2013-03-01", 113796.98, 191267108750),
}
GOLDEN_DIGEST = "5614a332acdaa034d5b1b7f38d2e5dd565242b559092dc051ec60e2894b4a8f6"


def canonical_digest(frame: pd.DataFrame) -> str:
    """Hash every bar rendered as text with fixed precision, in natural-key order."""
    lines = (
        f"{r.symbol},{r.ts:%Y-%m-%d},{r.open:.4f},{r.high:.4f},{r.low:.4f},{r.close:.4f},"
        f"{r.volume:.0f}"
        for r in frame.itertuples(index=False)
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


@pytest.fixture
def loaded(store: Store) -> Store:
    store.upsert("market_data.ohlcv", bokeh_bars())
    return store


def test_public_bars_read_back_match_pinned_figures(loaded: Store) -> None:
    bars = loaded.read(Query("market_data.ohlcv", where={"source": PUBLIC_SOURCE}))

    summary = bars.groupby("symbol").agg(
        n=("close", "size"),
        first=("ts", "min"),
        last=("ts", "max"),
        closes=("close", "sum"),
        volume=("volume", "sum"),
    )
    for symbol, (n, first, last, closes, volume) in GOLDEN.items():
        row = summary.loc[symbol]
        assert row["n"] == n
        assert f"{row['first']:%Y-%m-%d}" == first
        assert f"{row['last']:%Y-%m-%d}" == last
        assert round(row["closes"], 2) == closes
        assert int(row["volume"]) == volume
    assert canonical_digest(bars) == GOLDEN_DIGEST


def test_public_bars_loaded_twice_are_unchanged(loaded: Store) -> None:
    loaded.upsert("market_data.ohlcv", bokeh_bars())

    bars = loaded.read(Query("market_data.ohlcv", where={"source": PUBLIC_SOURCE}))
    assert len(bars) == sum(g[0] for g in GOLDEN.values())
    assert canonical_digest(bars) == GOLDEN_DIGEST


def test_public_bars_coverage_reports_each_symbol(loaded: Store) -> None:
    coverage = {row.symbol: row for row in loaded.coverage()}

    assert sorted(coverage) == sorted(GOLDEN)
    assert coverage["GOOG"].rows == 2148
    assert f"{coverage['GOOG'].first:%Y-%m-%d}" == "2004-08-19"
