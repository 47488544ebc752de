"""A hand-made market and a book over it, for the cycle's tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd

from tetra.core.clock import FixedClock
from tetra.cycle import CycleContext
from tetra.portfolio import Book, parse_book
from tetra.strategy.library import STRATEGIES
from tetra.testing import InMemoryBookStore, InMemoryStore

START = dt.date(2024, 1, 1)


def sessions(count: int) -> list[dt.date]:
    return [d.date() for d in pd.bdate_range(START, periods=count)]


def market_rows(closes: dict[str, Sequence[float]]) -> pd.DataFrame:
    """OHLCV rows: open = the previous close (first: the close), high/low around both."""
    rows: list[dict[str, Any]] = []
    for symbol, series in closes.items():
        for day, (close, before) in zip(
            sessions(len(series)), zip(series, [series[0], *series[:-1]], strict=True), strict=True
        ):
            rows.append(
                {
                    "symbol": symbol,
                    "interval": "1d",
                    "ts": pd.Timestamp(day, tz="UTC"),
                    "open": float(before),
                    "high": float(max(close, before)) + 0.5,
                    "low": float(min(close, before)) - 0.5,
                    "close": float(close),
                    "volume": 1_000_000.0,
                    "source": "test",
                }
            )
    return pd.DataFrame(rows)


def context(closes: dict[str, Sequence[float]], *books: Book) -> CycleContext:
    store = InMemoryStore()
    store.migrate()
    store.upsert("market_data.ohlcv", market_rows(closes))
    shelf = InMemoryBookStore()
    clock = FixedClock(dt.datetime(2024, 6, 1, 22, tzinfo=dt.UTC))
    for book in books:
        shelf.save_book(book, at=clock.now())
    return CycleContext(store, shelf, STRATEGIES, clock, warmup_days=60)


def crossover_book(mode: str = "recommend", **extra: Any) -> Book:
    return parse_book(
        "swing",
        {
            "capital": 10_000,
            "symbols": ["SPY", "QQQ"],
            "benchmark": "SPY",
            "mode": mode,
            "strategies": [
                {
                    "strategy": "sma_crossover",
                    "weight": 1,
                    "params": {"fast": 2, "slow": 4, "allocation": 5000},
                }
            ],
            **extra,
        },
    )
