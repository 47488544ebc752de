"""Quality screens and gap arithmetic on small, hand-written series."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from tetra.data.coverage import missing_ranges, symbol_coverage
from tetra.data.quality import JumpLimits, jump_warnings, screen_bars, stale_warnings
from tetra.data.quarantine import quarantine_rows
from tetra.data.sources import RawRecord

NOW = dt.datetime(2024, 7, 1, tzinfo=dt.UTC)


def calm_series(symbol: str = "AAA", days: int = 80, close: float = 100.0) -> pd.DataFrame:
    stamps = pd.date_range("2024-01-01", periods=days, freq="B", tz="UTC")
    wiggle = np.where(np.arange(days) % 2 == 0, 1.002, 0.998)
    closes = close * wiggle
    return pd.DataFrame(
        {
            "symbol": symbol,
            "interval": "1d",
            "ts": stamps,
            "open": closes,
            "high": closes * 1.01,
            "low": closes * 0.99,
            "close": closes,
            "volume": 1_000.0,
            "source": "test",
        }
    )


def test_a_sudden_move_warns_but_the_bar_is_kept() -> None:
    bars = calm_series()
    bars.loc[79, ["open", "high", "low", "close"]] = [60.0, 61.0, 59.0, 60.0]

    screened = screen_bars(bars.iloc[70:], bars.iloc[:70], now=NOW)

    assert len(screened.valid) == 10
    assert [(w.kind, w.detail) for w in screened.warnings] == [
        ("price_jump", "close moved -40.1% in one bar")
    ]


def test_a_split_is_not_a_jump_and_split_volume_is_not_a_surge() -> None:
    bars = calm_series()
    bars.loc[75:, ["open", "high", "low", "close"]] /= 4
    bars.loc[75:, "volume"] *= 4
    ex_date = bars.loc[75, "ts"].date()

    warnings = jump_warnings(bars.iloc[70:], bars.iloc[:70], JumpLimits(), {("AAA", ex_date): 4.0})

    assert warnings == []


def test_volume_far_above_its_median_warns() -> None:
    bars = calm_series()
    bars.loc[78, "volume"] = 50_000.0

    warnings = jump_warnings(bars.iloc[70:], bars.iloc[:70], JumpLimits())

    assert [w.kind for w in warnings] == ["volume_jump"]


def test_stale_symbols_are_named_with_what_was_expected() -> None:
    warnings = stale_warnings(
        {"AAA": dt.date(2024, 6, 28), "BBB": dt.date(2024, 6, 20)},
        {"AAA": dt.date(2024, 6, 28), "BBB": dt.date(2024, 6, 28), "CCC": dt.date(2024, 6, 28)},
    )

    assert [(w.symbol, w.detail) for w in warnings] == [
        ("BBB", "newest stored 2024-06-20, expected 2024-06-28"),
        ("CCC", "newest stored nothing, expected 2024-06-28"),
    ]


def test_missing_ranges_are_contiguous_runs_of_sessions() -> None:
    expected = np.array(
        ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-08"],
        dtype="datetime64[D]",
    )
    stored = expected[[0, 3]]

    assert missing_ranges(stored, expected) == [
        (dt.date(2024, 1, 3), dt.date(2024, 1, 4)),
        (dt.date(2024, 1, 8), dt.date(2024, 1, 8)),
    ]


def test_crypto_coverage_expects_every_day() -> None:
    stored = np.array(["2024-03-01", "2024-03-02", "2024-03-04"], dtype="datetime64[D]")

    coverage = symbol_coverage(
        "market_data.ohlcv", "BTC", "test", stored, calendar="24/7", end=dt.date(2024, 3, 4)
    )

    assert (coverage.expected, coverage.missing) == (4, 1)
    assert coverage.gaps == ((dt.date(2024, 3, 3), dt.date(2024, 3, 3)),)


def test_quarantining_the_same_record_twice_gives_one_id() -> None:
    record = RawRecord("price is not a number", {"c": "n/a"}, "AAA/2024-01-02")

    first = quarantine_rows("market_data.ohlcv", "test", [record, record], run_id="r1", now=NOW)
    again = quarantine_rows("market_data.ohlcv", "test", [record], run_id="r2", now=NOW)

    assert len(first) == 1
    assert first["record_id"].iloc[0] == again["record_id"].iloc[0]
