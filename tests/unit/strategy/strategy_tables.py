"""Candle tables for the strategy tests, and the checks every library strategy must pass.

`table` builds `MarketData` from closes written as lists; each bar opens at the previous
close (the first at its own close), so a decision at bar t's close fills at bar t+1's open
= close[t], which keeps expected fills easy to read off the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from tetra.backtest.result import BacktestResult
from tetra.backtest.run import run_backtest
from tetra.market import MarketData
from tetra.strategy.base import Strategy

Fill = tuple[str, str, float, float]


def table(
    start: str = "2024-01-01",
    dates: Sequence[str] | None = None,
    opens: dict[str, list[float]] | None = None,
    **closes: list[float],
) -> MarketData:
    """Return daily bars of `closes` per symbol on business days from `start` (or `dates`)."""
    length = len(next(iter(closes.values())))
    days = (
        np.array(dates, dtype="datetime64[D]")
        if dates is not None
        else np.busday_offset(np.datetime64(start, "D"), np.arange(length), roll="forward")
    )
    close = np.array([closes[s] for s in closes], dtype=float).T
    open_ = np.vstack([close[:1], close[:-1]])
    for symbol, values in (opens or {}).items():
        open_[:, list(closes).index(symbol)] = values
    open_ = np.where(np.isnan(open_), close, open_)
    return MarketData(
        days,
        tuple(closes),
        open=open_,
        high=np.fmax(open_, close),
        low=np.fmin(open_, close),
        close=close,
        volume=np.where(np.isfinite(close), 1e6, np.nan),
        split_ratio=np.ones(close.shape),
        dividend=np.zeros(close.shape),
    )


def fills(result: BacktestResult) -> list[Fill]:
    """Return (date, symbol, quantity, price) per fill."""
    frame = result.fills
    return [
        (str(ts.date()), str(symbol), float(quantity), float(price))
        for ts, symbol, quantity, price in zip(
            frame["ts"], frame["symbol"], frame["quantity"], frame["price"], strict=True
        )
    ]


def run_both(strategy: Strategy[Any], market: MarketData, cash: float = 10_000.0) -> BacktestResult:
    """Run both paths; assert identical fills and equity; return the compiled result."""
    compiled = run_backtest(strategy, market, path="compiled", cash=cash)
    callback = run_backtest(strategy, market, path="callback", cash=cash)
    assert fills(compiled) == fills(callback)
    np.testing.assert_array_equal(compiled.output.fills, callback.output.fills)
    np.testing.assert_array_equal(compiled.output.equity, callback.output.equity)
    return compiled


def assert_no_look_ahead(
    strategy: Strategy[Any], market: MarketData, cuts: int = 4, seed: int = 0
) -> None:
    """Runs on data cut at random rows fill exactly as the full run before each cut."""
    full = run_backtest(strategy, market, path="compiled", cash=10_000.0)
    rng = np.random.default_rng(seed)
    for cut in sorted(rng.choice(np.arange(2, market.shape[0]), size=cuts, replace=False)):
        for path in ("compiled", "callback"):
            part = run_backtest(strategy, market.window(0, int(cut)), path=path, cash=10_000.0)
            before_cut = full.output.fills[full.output.fills[:, 0] < cut]
            np.testing.assert_array_equal(part.output.fills, before_cut, err_msg=f"cut {cut}")
            np.testing.assert_array_equal(part.output.equity, full.output.equity[:cut])
