"""Volatility and trend strength: Bollinger bands, ATR, ADX."""

from __future__ import annotations

from typing import Generic, NamedTuple

from tetra.indicators._arrays import (
    Values,
    as_array,
    as_arrays,
    check_period,
    like,
    on_columns,
    on_columns_single,
    on_panel,
)
from tetra.indicators.nb import averages, volatility


class BollingerBands(NamedTuple, Generic[Values]):
    """Middle band (the SMA) and the bands `nbdev` population deviations above and below."""

    upper: Values
    middle: Values
    lower: Values


class ADX(NamedTuple, Generic[Values]):
    """Average directional index and the directional indicators it is built from."""

    adx: Values
    plus_di: Values
    minus_di: Values


def bollinger_bands(
    values: Values, period: int = 20, nbdevup: float = 2.0, nbdevdn: float = 2.0
) -> BollingerBands[Values]:
    """Compute Bollinger bands: the SMA plus/minus `nbdev` population deviations (TA-Lib BBANDS).

    The default period is Bollinger's own 20 (TA-Lib's is 5). The deviation is computed in
    two passes per window and is exactly 0 over a window of equal values.
    """
    check_period("period", period, 2)
    array = as_array(values)
    middle = on_panel(averages.sma_2d_nb, array, period)
    deviation = on_columns_single(volatility.rolling_population_std_nb, (array,), period)
    return BollingerBands(
        like(values, middle + deviation * nbdevup),
        like(values, middle),
        like(values, middle - deviation * nbdevdn),
    )


def atr(high: Values, low: Values, close: Values, period: int = 14) -> Values:
    """Compute the average true range with Wilder smoothing (TA-Lib ATR).

    The first value, `period` bars after the first complete bar, is the mean of the
    first `period` true ranges.
    """
    check_period("period", period, 1)
    arrays = as_arrays(high, low, close)
    return like(close, on_columns_single(volatility.atr_nb, arrays, period))


def adx(high: Values, low: Values, close: Values, period: int = 14) -> ADX[Values]:
    """Compute ADX, +DI and -DI (TA-Lib ADX, PLUS_DI, MINUS_DI).

    +DI/-DI start `period` bars after the first complete bar, ADX `2 * period - 1` bars
    after it. As in TA-Lib: DI is 0 where the smoothed true range is 0, and a bar
    whose DX is undefined (both DI 0) leaves ADX unchanged.
    """
    check_period("period", period, 2)
    outputs = on_columns(volatility.directional_nb, as_arrays(high, low, close), period)
    return ADX(*(like(close, output) for output in outputs))
