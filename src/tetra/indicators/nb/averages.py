"""Moving-average kernels: SMA and EMA on T x N panels, WMA on one series.

Every kernel follows TA-Lib's arithmetic step for step (running sums, seeding, order of
operations), so its output equals TA-Lib's to within a few ulps. Each column starts its
warm-up at its own first finite value; NaN before that, and through the warm-up.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from tetra.indicators.nb._jit import njit

Array = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.int64]


@njit
def first_valid_nb(values: Array) -> int:
    """Return the index of the first finite value of a series (its length if none)."""
    n_rows: int = values.shape[0]
    for row in range(n_rows):
        if np.isfinite(values[row]):
            return row
    return n_rows


@njit
def first_valid_2d_nb(values: Array) -> IndexArray:
    """Return, per column of a T x N panel, the row of its first finite value (T if none)."""
    n_rows, n_cols = values.shape
    first = np.full(n_cols, n_rows, dtype=np.int64)
    for col in range(n_cols):
        for row in range(n_rows):
            if np.isfinite(values[row, col]):
                first[col] = row
                break
    return first


@njit
def sma_2d_nb(values: Array, period: int) -> Array:
    """Compute the simple moving average of each column, with TA-Lib's running sum."""
    n_rows, n_cols = values.shape
    out = np.full((n_rows, n_cols), np.nan)
    first = first_valid_2d_nb(values)
    total = np.zeros(n_cols)
    for row in range(n_rows):
        for col in range(n_cols):
            age = row - first[col]
            if age < 0:
                continue
            total[col] += values[row, col]
            if age >= period - 1:
                out[row, col] = total[col] / period
                total[col] -= values[row - period + 1, col]
    return out


@njit
def crossings_2d_nb(fast: Array, slow: Array) -> npt.NDArray[np.int8]:
    """Mark, per cell of two T x N panels, +1 where `fast` crosses above `slow` at that row
    (above now, not above on the row before), -1 where it crosses back (not above now,
    above before), 0 elsewhere; a cell counts only if all four values are finite.

    One pass and one int8 output, where the same test in NumPy builds about ten boolean
    panels: a strategy that decides on crossings runs it five times per guarded backtest.
    """
    n_rows, n_cols = fast.shape
    out = np.zeros((n_rows, n_cols), dtype=np.int8)
    for row in range(1, n_rows):
        for col in range(n_cols):
            now_fast, now_slow = fast[row, col], slow[row, col]
            was_fast, was_slow = fast[row - 1, col], slow[row - 1, col]
            if not np.isfinite(now_fast + now_slow + was_fast + was_slow):
                continue
            above, was_above = now_fast > now_slow, was_fast > was_slow
            if above and not was_above:
                out[row, col] = 1
            elif was_above and not above:
                out[row, col] = -1
    return out


@njit
def ema_2d_nb(values: Array, period: int, seed_offset: int) -> Array:
    """Compute the exponential moving average of each column, seeded as TA-Lib seeds it.

    The first output sits `seed_offset` rows after a column's first finite value and
    equals the mean of the `period` values ending there; `seed_offset = period - 1` is
    TA-Lib's EMA, a larger one is how TA-Lib's MACD aligns its fast EMA with the slow one.
    """
    n_rows, n_cols = values.shape
    out = np.full((n_rows, n_cols), np.nan)
    first = first_valid_2d_nb(values)
    alpha = 2.0 / (period + 1)
    state = np.zeros(n_cols)
    for row in range(n_rows):
        for col in range(n_cols):
            age = row - first[col]
            if age < seed_offset - period + 1:
                continue
            if age < seed_offset:
                state[col] += values[row, col]
            elif age == seed_offset:
                state[col] = (state[col] + values[row, col]) / period
                out[row, col] = state[col]
            else:
                state[col] = (values[row, col] - state[col]) * alpha + state[col]
                out[row, col] = state[col]
    return out


@njit
def wma_nb(values: Array, period: int) -> Array:
    """Compute the linearly weighted moving average (weights 1..period, newest heaviest)."""
    if period == 1:
        return values.copy()
    out = np.full(values.shape[0], np.nan)
    start = first_valid_nb(values)
    if start + period > values.shape[0]:
        return out
    divider = (period * (period + 1)) // 2
    plain_sum = 0.0
    weighted_sum = 0.0
    for offset in range(period - 1):
        plain_sum += values[start + offset]
        weighted_sum += values[start + offset] * (offset + 1)
    trailing = 0.0
    for row in range(start + period - 1, values.shape[0]):
        plain_sum += values[row]
        plain_sum -= trailing
        weighted_sum += values[row] * period
        trailing = values[row - period + 1]
        out[row] = weighted_sum / divider
        weighted_sum -= plain_sum
    return out
