"""Momentum oscillators: RSI, stochastic, rate of change, momentum."""

from __future__ import annotations

from typing import Generic, NamedTuple

import numpy as np

from tetra.indicators._arrays import (
    Values,
    as_array,
    as_arrays,
    check_period,
    like,
    on_columns_single,
    on_panel,
)
from tetra.indicators.nb import averages, oscillators


class Stochastic(NamedTuple, Generic[Values]):
    """Slow %K (the SMA of raw %K) and slow %D (the SMA of slow %K), both in [0, 100]."""

    slow_k: Values
    slow_d: Values


def rsi(values: Values, period: int = 14) -> Values:
    """Compute the relative strength index with Wilder smoothing (TA-Lib RSI).

    Where average gain + average loss is 0 (prices that have not moved) the RSI is 0, as
    in TA-Lib.
    """
    check_period("period", period, 2)
    return like(values, on_columns_single(oscillators.rsi_nb, (as_array(values),), period))


def stochastic(
    high: Values,
    low: Values,
    close: Values,
    fastk_period: int = 5,
    slowk_period: int = 3,
    slowd_period: int = 3,
) -> Stochastic[Values]:
    """Compute the slow stochastic oscillator, both smoothings SMAs (TA-Lib STOCH defaults).

    Raw %K is 0 where the high-low range of the window is 0. Slow %K is reported only
    from slow %D's first bar, as TA-Lib aligns them.
    """
    check_period("fastk_period", fastk_period, 1)
    check_period("slowk_period", slowk_period, 1)
    check_period("slowd_period", slowd_period, 1)
    arrays = as_arrays(high, low, close)
    fast_k = on_columns_single(oscillators.stochastic_fast_k_nb, arrays, fastk_period)
    slow_k = on_panel(averages.sma_2d_nb, fast_k, slowk_period)
    slow_d = on_panel(averages.sma_2d_nb, slow_k, slowd_period)
    slow_k = np.where(np.isnan(slow_d), np.nan, slow_k)
    return Stochastic(like(close, slow_k), like(close, slow_d))


def rate_of_change(values: Values, period: int = 10) -> Values:
    """Compute the percent change over `period` bars (TA-Lib ROC); 0 where the base is 0."""
    check_period("period", period, 1)
    return like(values, oscillators.rate_of_change_2d(as_array(values), period))


def momentum(values: Values, period: int = 10) -> Values:
    """Compute the change over `period` bars, x_t - x_{t-period} (TA-Lib MOM)."""
    check_period("period", period, 1)
    return like(values, oscillators.momentum_2d(as_array(values), period))
