"""The invariants every OHLCV bar obeys, as one vectorised check over plain arrays.

Bars flow through the platform as frames and Arrow batches; `bar_problems` is the rule the
store's batch validation applies to every row (`tetra.data.batches`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


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
