"""The offline translator's indicators in SQL equal `tetra.indicators` on DuckDB and PostgreSQL.

Bars of three symbols (one listed later, one short) are stored; the SQL the translator writes
for EMA, RSI, MACD and Bollinger bands runs on the store and is compared with the library's
values (TA-Lib's arithmetic) on the latest bar and on every bar of a dated span.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tetra.adapters.stores import open_store
from tetra.chat.offline import indicator_sql as build
from tetra.chat.offline.families import Selection
from tetra.chat.offline.parse import Period
from tetra.indicators import bollinger_bands, ema, macd, rsi

pytestmark = pytest.mark.slow

DAYS = {"AAA": 700, "BBB": 420, "CCC": 30}  # CCC is too short for MACD's 34 bars
SPAN = Period("dates", first=dt.date(2024, 9, 2), last=dt.date(2024, 9, 30))
RELATIVE = 1e-9


def _bars() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    frames = []
    for symbol, days in DAYS.items():
        ts = pd.date_range(end="2024-12-31", periods=days, freq="D", tz="UTC")
        close = 100 * np.exp(np.cumsum(rng.normal(0, 0.02, days)))
        frames.append(
            pd.DataFrame(
                {
                    "symbol": symbol, "interval": "1d", "ts": ts, "open": close, "high": close,
                    "low": close, "close": close, "volume": 1.0, "vwap": None, "trades": None,
                    "source": "test",
                }
            )
        )  # fmt: skip
    return pd.concat(frames, ignore_index=True)


@pytest.fixture
def stored(
    store_url: str, raw_sql: Callable[[str, str], list[tuple[Any, ...]]]
) -> Callable[[build.Built], list[tuple[Any, ...]]]:
    bars = _bars()
    with open_store(store_url) as store:
        store.upsert("market_data.ohlcv", bars)
    dialect = "postgres" if store_url.startswith("postgresql") else "duckdb"

    def run(built: build.Built) -> list[tuple[Any, ...]]:
        assert built.tree is not None
        return raw_sql(store_url, built.tree.sql(dialect=dialect))

    return run


def _closes(symbol: str) -> pd.Series:
    bars = _bars()
    chosen = bars[bars["symbol"] == symbol]
    return pd.Series(chosen["close"].to_numpy(), index=chosen["ts"].dt.date.to_numpy())


def _assert_close(
    rows: list[tuple[Any, ...]], expected: dict[tuple[str, dt.date], list[float]]
) -> None:
    got = {
        (row[0], row[1]): [float("nan") if v is None else float(v) for v in row[2:]] for row in rows
    }
    assert set(got) == set(expected)
    for key, values in expected.items():
        np.testing.assert_allclose(got[key], values, rtol=RELATIVE, atol=1e-9, equal_nan=True)


def _latest(
    values: dict[str, pd.Series | list[pd.Series]],
) -> dict[tuple[str, dt.date], list[float]]:
    result = {}
    for symbol, series in values.items():
        columns = series if isinstance(series, list) else [series]
        date = columns[0].index[-1]
        result[(symbol, date)] = [float(c.iloc[-1]) for c in columns]
    return result


def test_ema_on_the_latest_bar_equals_the_librarys(stored: Callable[..., Any]) -> None:
    rows = stored(build.ema(Selection(tuple(DAYS)), 20, None))

    _assert_close(rows, _latest({s: ema(_closes(s), 20) for s in DAYS}))


def test_rsi_on_each_day_of_a_span_equals_the_librarys(stored: Callable[..., Any]) -> None:
    rows = stored(build.rsi(Selection(("AAA", "BBB")), 14, SPAN))

    expected = {}
    for symbol in ("AAA", "BBB"):
        values = rsi(_closes(symbol), 14)
        for date, value in values.items():
            if SPAN.first <= date <= SPAN.last:  # type: ignore[operator]
                expected[(symbol, date)] = [float(value)]
    _assert_close(rows, expected)


def test_macd_line_signal_and_histogram_equal_the_librarys_and_are_empty_while_warming_up(
    stored: Callable[..., Any],
) -> None:
    rows = stored(build.macd(Selection(tuple(DAYS)), build.Macd(), None))

    expected = _latest({s: list(macd(_closes(s))) for s in DAYS})
    _assert_close(rows, expected)
    assert next(r for r in rows if r[0] == "CCC")[2:] == (None, None, None)


def test_bollinger_bands_equal_the_librarys(stored: Callable[..., Any]) -> None:
    rows = stored(build.bollinger_bands(Selection(("AAA",)), 20, 2.0, None, ""))

    _assert_close(rows, _latest({"AAA": list(bollinger_bands(_closes("AAA"), 20))}))


def test_rsi_ranks_symbols_on_their_latest_bar(stored: Callable[..., Any]) -> None:
    rows = stored(build.rsi(Selection(tuple(DAYS)), 14, None, ranked="DESC", limit=2))

    latest = {s: float(rsi(_closes(s), 14).iloc[-1]) for s in DAYS}
    assert [r[0] for r in rows] == sorted(latest, key=lambda s: -latest[s])[:2]
