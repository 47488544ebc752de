"""Builders for the simulator's tests: a known history panel and known fitted models."""

from __future__ import annotations

import datetime as dt

import numpy as np

from tetra.market import MarketData
from tetra.simulation.models.bars import BarProfile
from tetra.simulation.models.history import HistoryInfo

SYMBOLS = ("AAA", "BBB", "CCC")


def known_panel(steps: int = 1500, seed: int = 5) -> MarketData:
    """A three-symbol daily panel: correlated moves, a few jumps, consistent OHLCV."""
    rng = np.random.default_rng(seed)
    correlation = np.array([[1.0, 0.6, -0.2], [0.6, 1.0, 0.1], [-0.2, 0.1, 1.0]])
    z = rng.standard_normal((steps, 3)) @ np.linalg.cholesky(correlation).T
    jumps = (rng.random((steps, 3)) < 0.01) * rng.normal(-0.04, 0.03, (steps, 3))
    moves = 0.0003 + np.array([0.01, 0.02, 0.015]) * z + jumps
    close = 100 * np.exp(np.cumsum(moves, axis=0))
    previous = np.vstack([np.full((1, 3), 100.0), close[:-1]])
    open_ = previous * np.exp(0.3 * moves + 0.002 * rng.standard_normal((steps, 3)))
    high = np.maximum(open_, close) * np.exp(0.005 * rng.exponential(size=(steps, 3)))
    low = np.minimum(open_, close) * np.exp(-0.005 * rng.exponential(size=(steps, 3)))
    volume = np.exp(14 + 0.3 * rng.standard_normal((steps, 3)))
    dates = np.busday_offset(np.datetime64("2010-01-04"), np.arange(steps), roll="forward")
    ones, zeros = np.ones((steps, 3)), np.zeros((steps, 3))
    return MarketData(dates, SYMBOLS, open_, high, low, close, volume, ones, zeros)


def info(symbols: tuple[str, ...] = SYMBOLS) -> HistoryInfo:
    closes = np.full(len(symbols), 100.0)
    return HistoryInfo(symbols, dt.date(2020, 1, 2), dt.date(2024, 12, 31), 1000, closes, False)


def profile(n: int = 3) -> BarProfile:
    def full(value: float) -> np.ndarray:
        return np.full(n, value)

    shape = (full(0.3), full(0.2), full(0.5), full(0.5))
    return BarProfile(*shape, full(14.0), full(0.2), full(0.3), 0.5)


def ohlc_problems(market: MarketData) -> int:
    """Count bars breaking 0 < low <= min(open, close) <= max(open, close) <= high."""
    traded = np.isfinite(market.close)
    body_low = np.minimum(market.open, market.close)[traded]
    body_high = np.maximum(market.open, market.close)[traded]
    bad = (market.low[traded] <= 0) | (market.low[traded] > body_low * (1 + 1e-12))
    bad |= market.high[traded] < body_high * (1 - 1e-12)
    return int(bad.sum())
