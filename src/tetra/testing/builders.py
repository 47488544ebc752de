"""Builders of small, valid, deterministic data sets for tests."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["bars_frame"]

# pandas frequencies of the bar intervals; daily bars fall on weekdays at midnight UTC.
_FREQUENCIES = {
    "1m": "1min",
    "5m": "5min",
    "15m": "15min",
    "30m": "30min",
    "1h": "1h",
    "1d": "B",
    "1wk": "W-MON",
    "1mo": "MS",
}


def bars_frame(
    symbols: Sequence[str] = ("AAA",),
    start: str = "2024-01-02",
    periods: int = 5,
    source: str = "test",
    interval: str = "1d",
    seed: int = 0,
) -> pd.DataFrame:
    """Return valid `market_data.ohlcv` rows: a seeded random walk per symbol, symbol by symbol.

    Every bar obeys the OHLCV invariants (positive prices, low <= open/close <= high,
    volume >= 0), so the frame passes `prepare_batch` as is; the same arguments always give
    the same frame.
    """
    if interval not in _FREQUENCIES:
        raise ValueError(f"unknown interval {interval!r}; known: {', '.join(_FREQUENCIES)}")
    rng = np.random.default_rng(seed)
    ts = pd.date_range(start, periods=periods, freq=_FREQUENCIES[interval], tz="UTC")
    frames = [_walk(rng, symbol, ts) for symbol in symbols] or [_walk(rng, "", ts[:0])]
    bars = pd.concat(frames, ignore_index=True)
    bars.insert(1, "interval", interval)
    bars["source"] = source
    return bars


def _walk(rng: np.random.Generator, symbol: str, ts: pd.DatetimeIndex) -> pd.DataFrame:
    close = 100.0 * np.exp(np.cumsum(rng.normal(0.0, 0.01, len(ts))))
    open_ = np.concatenate(([100.0], close[:-1]))[: len(ts)]
    high = np.maximum(open_, close) * (1.0 + np.abs(rng.normal(0.0, 0.005, len(ts))))
    low = np.minimum(open_, close) * (1.0 - np.abs(rng.normal(0.0, 0.005, len(ts))))
    volume = rng.integers(1_000, 1_000_000, len(ts)).astype(np.float64)
    # Rounding is monotonic, so the rounded bars keep low <= open/close <= high.
    return pd.DataFrame(
        {
            "symbol": symbol,
            "ts": ts,
            "open": open_.round(4),
            "high": high.round(4),
            "low": low.round(4),
            "close": close.round(4),
            "volume": volume,
        }
    )
