"""OHLCV bars and the invariants every bar obeys.

The rules live in `bar_problems`, a vectorised check over plain arrays, so a single `Bar` and
a million-row batch are held to exactly the same conditions.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tetra.core.errors import ValidationError

FloatArray = npt.NDArray[np.float64]

INTERVALS = ("1m", "5m", "15m", "30m", "1h", "1d", "1wk", "1mo")


def bar_problems(
    open_: FloatArray, high: FloatArray, low: FloatArray, close: FloatArray, volume: FloatArray
) -> list[tuple[int, str]]:
    """Return (row, reason) for every bar breaking an OHLCV invariant; empty when all hold.

    Invariants: prices finite and > 0; ``low <= min(open, close)``;
    ``max(open, close) <= high``; volume finite and >= 0. A row may have several reasons.
    """
    prices = {"open": open_, "high": high, "low": low, "close": close}
    checks: list[tuple[npt.NDArray[np.bool_], str]] = [
        (~np.isfinite(v), f"{name} is NaN or infinite") for name, v in prices.items()
    ]
    checks += [(np.isfinite(v) & (v <= 0), f"{name} is not positive") for name, v in prices.items()]
    with np.errstate(invalid="ignore"):
        checks += [
            (low > np.minimum(open_, close), "low above min(open, close)"),
            (high < np.maximum(open_, close), "high below max(open, close)"),
            (~np.isfinite(volume), "volume is NaN or infinite"),
            (volume < 0, "volume is negative"),
        ]
    problems = [(int(row), reason) for mask, reason in checks for row in np.flatnonzero(mask)]
    return sorted(problems)


@dataclass(frozen=True, slots=True)
class Bar:
    """One OHLCV bar; `ts` is the bar's open in UTC (midnight of the session for daily bars)."""

    symbol: str
    interval: str
    ts: dt.datetime
    open: float
    high: float
    low: float
    close: float
    volume: float
    source: str

    def __post_init__(self) -> None:
        if self.interval not in INTERVALS:
            raise ValidationError(f"{self.symbol}: unknown interval {self.interval!r}")
        if self.ts.tzinfo is None or self.ts.utcoffset() != dt.timedelta(0):
            raise ValidationError(f"{self.symbol}: ts must be timezone-aware UTC, got {self.ts!r}")
        values = [np.array([v], dtype=np.float64) for v in self._ohlcv()]
        reasons = [reason for _, reason in bar_problems(*values)]
        if reasons:
            raise ValidationError(f"{self.symbol} {self.ts:%Y-%m-%d}: {'; '.join(reasons)}")

    def _ohlcv(self) -> tuple[float, float, float, float, float]:
        return (self.open, self.high, self.low, self.close, self.volume)


def is_finite_positive(value: float) -> bool:
    """Tell whether a price is usable: finite and strictly positive."""
    return math.isfinite(value) and value > 0
