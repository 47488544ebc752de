"""Oscillator kernels: RSI, raw stochastic %K, MACD, rate of change and momentum.

Each follows TA-Lib's arithmetic and zero-division rules; a series starts its warm-up at
its first finite value (for several inputs: the first row where all are finite).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from tetra.indicators.nb._jit import njit
from tetra.indicators.nb.averages import ema_2d_nb, first_valid_nb

Array = npt.NDArray[np.float64]


@njit
def _rsi_value_nb(gain: float, loss: float) -> float:
    total = gain + loss
    if total == 0.0:
        return 0.0
    return 100.0 * (gain / total)


@njit
def rsi_nb(values: Array, period: int) -> Array:
    """Compute the RSI with Wilder smoothing; 0 while prices have not moved, as TA-Lib."""
    n_rows = values.shape[0]
    out = np.full(n_rows, np.nan)
    start = first_valid_nb(values)
    if start + period >= n_rows:
        return out
    gain = 0.0
    loss = 0.0
    for row in range(start + 1, start + period + 1):
        change = values[row] - values[row - 1]
        if change < 0:
            loss -= change
        else:
            gain += change
    gain /= period
    loss /= period
    out[start + period] = _rsi_value_nb(gain, loss)
    for row in range(start + period + 1, n_rows):
        change = values[row] - values[row - 1]
        loss *= period - 1
        gain *= period - 1
        if change < 0:
            loss -= change
        else:
            gain += change
        loss /= period
        gain /= period
        out[row] = _rsi_value_nb(gain, loss)
    return out


@njit
def stochastic_fast_k_nb(high: Array, low: Array, close: Array, period: int) -> Array:
    """Compute raw %K: where the close sits in the last `period` bars' range; 0 for a flat range."""
    n_rows = close.shape[0]
    out = np.full(n_rows, np.nan)
    start = first_valid_nb(high + low + close)
    for row in range(start + period - 1, n_rows):
        lowest = low[row - period + 1]
        highest = high[row - period + 1]
        for back in range(row - period + 2, row + 1):
            lowest = min(lowest, low[back])
            highest = max(highest, high[back])
        scale = (highest - lowest) / 100.0
        out[row] = (close[row] - lowest) / scale if scale != 0.0 else 0.0
    return out


@njit
def macd_2d_nb(
    values: Array, fast_period: int, slow_period: int, signal_period: int
) -> tuple[Array, Array, Array]:
    """Compute the MACD line, signal and histogram of each column, aligned as TA-Lib aligns them.

    Both EMAs are seeded on the same row (the slow EMA's first), and the line is reported
    only from the signal's first row, so all three outputs share one warm-up.
    """
    fast = ema_2d_nb(values, fast_period, slow_period - 1)
    slow = ema_2d_nb(values, slow_period, slow_period - 1)
    line = fast - slow
    signal = ema_2d_nb(line, signal_period, signal_period - 1)
    line = np.where(np.isnan(signal), np.nan, line)
    return line, signal, line - signal


def rate_of_change_2d(values: Array, period: int) -> Array:
    """Compute ((x_t / x_{t-period}) - 1) * 100, the percent change; 0 after a 0."""
    out = np.full(values.shape, np.nan)
    now, then = values[period:], values[:-period]
    with np.errstate(divide="ignore", invalid="ignore"):
        out[period:] = np.where(then != 0.0, (now / then - 1.0) * 100.0, 0.0)
    return out


def momentum_2d(values: Array, period: int) -> Array:
    """Compute the difference over `period` rows, x_t - x_{t-period}."""
    out = np.full(values.shape, np.nan)
    out[period:] = values[period:] - values[:-period]
    return out
