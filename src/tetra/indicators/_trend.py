"""Moving averages and MACD."""

from __future__ import annotations

from typing import Generic, NamedTuple

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


class MACD(NamedTuple, Generic[Values]):
    """MACD line (fast EMA - slow EMA), its signal EMA, and their difference."""

    macd: Values
    signal: Values
    histogram: Values


def sma(values: Values, period: int) -> Values:
    """Compute the simple moving average over `period` bars (TA-Lib SMA)."""
    check_period("period", period, 1)
    return like(values, on_panel(averages.sma_2d_nb, as_array(values), period))


def crossings(fast: Values, slow: Values) -> Values:
    """Mark where `fast` crosses `slow`: +1 above (from at or below), -1 back, 0 elsewhere.

    A cross is read at a bar's close from that bar and the one before, all four values
    finite; the output is int8, with the inputs' labels.
    """
    a, b = as_arrays(fast, slow)
    if a.ndim == 2:
        return like(fast, averages.crossings_2d_nb(a, b))
    return like(fast, averages.crossings_2d_nb(a.reshape(-1, 1), b.reshape(-1, 1))[:, 0])


def ema(values: Values, period: int) -> Values:
    """Compute the exponential moving average, alpha = 2 / (period + 1) (TA-Lib EMA).

    The first value, `period - 1` bars after the first finite input, is the SMA of the
    first `period` values.
    """
    check_period("period", period, 1)
    array = as_array(values)
    return like(values, on_panel(averages.ema_2d_nb, array, period, period - 1))


def wma(values: Values, period: int) -> Values:
    """Compute the linearly weighted moving average, newest bar heaviest (TA-Lib WMA)."""
    check_period("period", period, 1)
    return like(values, on_columns_single(averages.wma_nb, (as_array(values),), period))


def macd(
    values: Values, fast_period: int = 12, slow_period: int = 26, signal_period: int = 9
) -> MACD[Values]:
    """Compute MACD, its signal line and histogram (TA-Lib MACD, with its alignment).

    Both EMAs are seeded on the slow EMA's first bar, so the fast EMA inside MACD is not
    `ema(values, fast_period)`; all three outputs start `slow_period + signal_period - 2`
    bars after the first finite input.
    """
    check_period("fast_period", fast_period, 2)
    check_period("slow_period", slow_period, 2)
    check_period("signal_period", signal_period, 1)
    if fast_period > slow_period:
        raise ValueError(f"fast_period {fast_period} exceeds slow_period {slow_period}")
    array = as_array(values)
    panel = array if array.ndim == 2 else array.reshape(-1, 1)
    outputs = oscillators.macd_2d_nb(panel, fast_period, slow_period, signal_period)
    line, signal, histogram = (output if array.ndim == 2 else output[:, 0] for output in outputs)
    return MACD(like(values, line), like(values, signal), like(values, histogram))
