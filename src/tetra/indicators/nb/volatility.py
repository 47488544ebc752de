"""Volatility and trend-strength kernels: Bollinger deviation, true range, ATR, DI and ADX.

Each follows TA-Lib's arithmetic and zero-division rules; a series starts its warm-up at
its first finite value (for several inputs: the first row where all are finite).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from tetra.indicators.nb._jit import njit
from tetra.indicators.nb.averages import first_valid_nb

Array = npt.NDArray[np.float64]


@njit
def rolling_population_std_nb(values: Array, period: int) -> Array:
    """Compute the population standard deviation of each `period`-bar window in two passes.

    Exact where running sums of squares would cancel on price levels; exactly 0 for a
    window of equal values.
    """
    n_rows = values.shape[0]
    out = np.full(n_rows, np.nan)
    start = first_valid_nb(values)
    for row in range(start + period - 1, n_rows):
        window = values[row - period + 1 : row + 1]
        mean = window.sum() / period
        squares = 0.0
        varied = False
        for value in window:
            squares += (value - mean) * (value - mean)
            varied = varied or value != window[0]
        out[row] = math.sqrt(squares / period) if varied else 0.0
    return out


@njit
def _true_range_nb(high: float, low: float, previous_close: float) -> float:
    greatest = high - low
    greatest = max(greatest, abs(previous_close - high))
    return max(greatest, abs(previous_close - low))


@njit
def atr_nb(high: Array, low: Array, close: Array, period: int) -> Array:
    """Compute the ATR: the mean of the first `period` true ranges, then Wilder smoothing."""
    n_rows = close.shape[0]
    out = np.full(n_rows, np.nan)
    start = first_valid_nb(high + low + close)
    if start + period >= n_rows:
        return out
    average = 0.0
    for row in range(start + 1, start + period + 1):
        average += _true_range_nb(high[row], low[row], close[row - 1])
    average /= period
    out[start + period] = average
    for row in range(start + period + 1, n_rows):
        average *= period - 1
        average += _true_range_nb(high[row], low[row], close[row - 1])
        average /= period
        out[row] = average
    return out


@njit
def _directional_moves_nb(high: Array, low: Array, row: int) -> tuple[float, float]:
    up = high[row] - high[row - 1]
    down = low[row - 1] - low[row]
    if down > 0 and up < down:
        return 0.0, down
    if up > 0 and up > down:
        return up, 0.0
    return 0.0, 0.0


@njit
def directional_nb(
    high: Array, low: Array, close: Array, period: int
) -> tuple[Array, Array, Array]:
    """Compute ADX, +DI and -DI with Wilder smoothing and TA-Lib's warm-ups.

    DI starts `period` bars after the first complete bar, ADX `2 * period - 1` bars after
    it. DI is 0 where the smoothed true range is 0; a bar whose DX is undefined leaves the
    ADX unchanged (and adds nothing to its first average), as in TA-Lib.
    """
    n_rows = close.shape[0]
    adx = np.full(n_rows, np.nan)
    plus_di = np.full(n_rows, np.nan)
    minus_di = np.full(n_rows, np.nan)
    start = first_valid_nb(high + low + close)
    plus_dm = 0.0
    minus_dm = 0.0
    true_range = 0.0
    adx_state = 0.0
    for row in range(start + 1, n_rows):
        up, down = _directional_moves_nb(high, low, row)
        tr = _true_range_nb(high[row], low[row], close[row - 1])
        age = row - start
        if age < period:
            plus_dm += up
            minus_dm += down
            true_range += tr
            continue
        plus_dm = plus_dm - plus_dm / period + up
        minus_dm = minus_dm - minus_dm / period + down
        true_range = true_range - true_range / period + tr
        if true_range == 0.0:
            plus_di[row] = minus_di[row] = 0.0
            dx = np.nan
        else:
            plus_di[row] = 100.0 * (plus_dm / true_range)
            minus_di[row] = 100.0 * (minus_dm / true_range)
            di_sum = minus_di[row] + plus_di[row]
            dx = np.nan if di_sum == 0.0 else 100.0 * (abs(minus_di[row] - plus_di[row]) / di_sum)
        if age < 2 * period - 1:
            adx_state += 0.0 if np.isnan(dx) else dx
        elif age == 2 * period - 1:
            adx_state = (adx_state + (0.0 if np.isnan(dx) else dx)) / period
        elif not np.isnan(dx):
            adx_state = (adx_state * (period - 1) + dx) / period
        if age >= 2 * period - 1:
            adx[row] = adx_state
    return adx, plus_di, minus_di
