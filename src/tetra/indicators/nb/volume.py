"""Volume kernels: on-balance volume and the volume-weighted average price.

A series starts at the first row where price and volume are both finite.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from tetra.indicators.nb._jit import njit
from tetra.indicators.nb.averages import first_valid_nb

Array = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@njit
def obv_nb(close: Array, volume: Array) -> Array:
    """Compute on-balance volume, starting from the first bar's volume as TA-Lib does."""
    n_rows = close.shape[0]
    out = np.full(n_rows, np.nan)
    start = first_valid_nb(close + volume)
    if start >= n_rows:
        return out
    balance = volume[start]
    out[start] = balance
    for row in range(start + 1, n_rows):
        if close[row] > close[row - 1]:
            balance += volume[row]
        elif close[row] < close[row - 1]:
            balance -= volume[row]
        out[row] = balance
    return out


@njit
def rolling_vwap_nb(price: Array, volume: Array, period: int) -> Array:
    """Divide the turnover (price x volume) of the last `period` bars by their volume.

    NaN where the window traded no volume.
    """
    n_rows = price.shape[0]
    out = np.full(n_rows, np.nan)
    start = first_valid_nb(price + volume)
    turnover = 0.0
    traded = 0.0
    for row in range(start, n_rows):
        turnover += price[row] * volume[row]
        traded += volume[row]
        if row - start >= period - 1:
            out[row] = turnover / traded if traded != 0.0 else np.nan
            trailing = row - period + 1
            turnover -= price[trailing] * volume[trailing]
            traded -= volume[trailing]
    return out


@njit
def anchored_vwap_nb(price: Array, volume: Array, anchors: BoolArray) -> Array:
    """Compute the cumulative VWAP from the first valid bar, restarting at each anchor.

    NaN while no volume has traded since the last anchor.
    """
    n_rows = price.shape[0]
    out = np.full(n_rows, np.nan)
    start = first_valid_nb(price + volume)
    turnover = 0.0
    traded = 0.0
    for row in range(start, n_rows):
        if anchors[row]:
            turnover = 0.0
            traded = 0.0
        turnover += price[row] * volume[row]
        traded += volume[row]
        out[row] = turnover / traded if traded != 0.0 else np.nan
    return out
