"""Books for the risk report: a backtest's final book, or holdings with history from a store.

The risk layer works on plain arrays (`tetra.risk.exposure.Book`, `tetra.risk.report.History`);
this module makes them from what the backtest side has: a `BacktestResult` and its
`MarketData`, or a store to read closes from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd

from tetra.backtest.result import BacktestResult
from tetra.core.errors import ValidationError
from tetra.data.ports import Store
from tetra.market import Adjustment, MarketData, load_market
from tetra.risk.exposure import Book
from tetra.risk.report import History

EARLIEST, LATEST = dt.date(1990, 1, 1), dt.date(2100, 12, 31)


def history_of(market: MarketData) -> History:
    """Return the closes of `market` as a risk `History`."""
    return History(market.dates, market.symbols, market.close)


def final_book(result: BacktestResult) -> Book:
    """Return the book a backtest ends with: its last positions, last closes and cash."""
    closes = pd.DataFrame(result.market.close).ffill().to_numpy()[-1]
    quantities = np.asarray(result.output.positions[-1], dtype=np.float64)
    held = quantities != 0
    prices = np.where(held, closes, np.where(np.isfinite(closes), closes, 1.0))
    return Book(result.market.symbols, quantities, prices, float(result.output.cash[-1]))


def book_from_weights(
    store: Store,
    weights: Mapping[str, float],
    *,
    equity: float = 1_000_000.0,
    benchmark: str = "SPY",
    end: dt.date | None = None,
) -> tuple[Book, History]:
    """Price `weights` at the last stored closes and return the book with its history.

    Quantities are the weight times `equity` over the last close (fractions allowed: the
    report is about weights). The history holds the symbols and the benchmark.
    """
    symbols = [s.strip().upper() for s in weights]
    if not symbols:
        raise ValidationError("the book lists no symbols")
    wanted = list(dict.fromkeys([*symbols, benchmark]))
    market = _market(store, wanted, symbols, end)
    last = pd.DataFrame(market.close, columns=list(market.symbols)).ffill().iloc[-1]
    values = np.array([float(w) for w in weights.values()]) * equity
    prices = last[symbols].to_numpy(dtype=np.float64)
    book = Book(tuple(symbols), values / prices, prices, equity - float(values.sum()))
    return book, history_of(market)


def _market(
    store: Store, wanted: list[str], required: list[str], end: dt.date | None
) -> MarketData:
    try:
        return load_market(store, wanted, EARLIEST, end or LATEST,
                           adjustment=Adjustment.TOTAL_RETURN)  # fmt: skip
    except ValidationError:
        if wanted == required:
            raise
        return load_market(store, required, EARLIEST, end or LATEST,
                           adjustment=Adjustment.TOTAL_RETURN)  # fmt: skip
