"""Every TA-Lib-backed indicator equals TA-Lib: on a long random walk and on edge cases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
import talib

import tetra.indicators as ti

Array = npt.NDArray[np.float64]


def assert_matches_talib(ours: Any, theirs: Any) -> None:
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12, equal_nan=True)


# name -> (ours, TA-Lib), both taking (high, low, close, volume) and returning a tuple.
Pair = tuple[Callable[..., tuple[Any, ...]], Callable[..., tuple[Any, ...]]]


def single_input(period: int) -> dict[str, Pair]:
    return {
        "sma": (
            lambda h, lo, c, v: (ti.sma(c, period),),
            lambda h, lo, c, v: (talib.SMA(c, period),),
        ),
        "ema": (
            lambda h, lo, c, v: (ti.ema(c, period),),
            lambda h, lo, c, v: (talib.EMA(c, period),),
        ),
        "wma": (
            lambda h, lo, c, v: (ti.wma(c, period),),
            lambda h, lo, c, v: (talib.WMA(c, period),),
        ),
        "roc": (
            lambda h, lo, c, v: (ti.rate_of_change(c, period),),
            lambda h, lo, c, v: (talib.ROC(c, period),),
        ),
        "mom": (
            lambda h, lo, c, v: (ti.momentum(c, period),),
            lambda h, lo, c, v: (talib.MOM(c, period),),
        ),
        "atr": (
            lambda h, lo, c, v: (ti.atr(h, lo, c, period),),
            lambda h, lo, c, v: (talib.ATR(h, lo, c, period),),
        ),
    }


def at_least_two(period: int) -> dict[str, Pair]:
    return {
        "rsi": (
            lambda h, lo, c, v: (ti.rsi(c, period),),
            lambda h, lo, c, v: (talib.RSI(c, period),),
        ),
        "bbands": (
            lambda h, lo, c, v: tuple(ti.bollinger_bands(c, period, 2.0, 1.5)),
            lambda h, lo, c, v: talib.BBANDS(c, period, 2.0, 1.5, talib.MA_Type.SMA),
        ),
        "adx": (
            lambda h, lo, c, v: tuple(ti.adx(h, lo, c, period)),
            lambda h, lo, c, v: (
                talib.ADX(h, lo, c, period),
                talib.PLUS_DI(h, lo, c, period),
                talib.MINUS_DI(h, lo, c, period),
            ),
        ),
        "macd": (
            lambda h, lo, c, v: tuple(ti.macd(c, period, period + 3, period)),
            lambda h, lo, c, v: talib.MACD(c, period, period + 3, period),
        ),
        "stoch": (
            lambda h, lo, c, v: tuple(ti.stochastic(h, lo, c, period + 2, period, period)),
            lambda h, lo, c, v: talib.STOCH(
                h, lo, c, period + 2, period, talib.MA_Type.SMA, period, talib.MA_Type.SMA
            ),
        ),
    }


def defaults() -> dict[str, Pair]:
    return {
        "rsi": (lambda h, lo, c, v: (ti.rsi(c),), lambda h, lo, c, v: (talib.RSI(c),)),
        "macd": (lambda h, lo, c, v: tuple(ti.macd(c)), lambda h, lo, c, v: talib.MACD(c)),
        "stoch": (
            lambda h, lo, c, v: tuple(ti.stochastic(h, lo, c)),
            lambda h, lo, c, v: talib.STOCH(h, lo, c),
        ),
        "adx": (
            lambda h, lo, c, v: tuple(ti.adx(h, lo, c)),
            lambda h, lo, c, v: (
                talib.ADX(h, lo, c),
                talib.PLUS_DI(h, lo, c),
                talib.MINUS_DI(h, lo, c),
            ),
        ),
        "atr": (
            lambda h, lo, c, v: (ti.atr(h, lo, c),),
            lambda h, lo, c, v: (talib.ATR(h, lo, c),),
        ),
        "obv": (lambda h, lo, c, v: (ti.obv(c, v),), lambda h, lo, c, v: (talib.OBV(c, v),)),
        "roc": (lambda h, lo, c, v: (ti.rate_of_change(c),), lambda h, lo, c, v: (talib.ROC(c),)),
        "mom": (lambda h, lo, c, v: (ti.momentum(c),), lambda h, lo, c, v: (talib.MOM(c),)),
    }


CASES: list[Any] = [
    *(
        pytest.param(pair, id=f"{name}-{period}")
        for period in (1, 2, 14, 50)
        for name, pair in single_input(period).items()
    ),
    *(
        pytest.param(pair, id=f"{name}-{period}")
        for period in (2, 3, 14, 30)
        for name, pair in at_least_two(period).items()
    ),
    *(pytest.param(pair, id=f"{name}-default") for name, pair in defaults().items()),
]


def check(pair: Pair, high: Array, low: Array, close: Array, volume: Array) -> None:
    ours, theirs = pair
    expected = theirs(high, low, close, volume)
    actual = ours(high, low, close, volume)
    assert len(actual) == len(expected)
    for mine, reference in zip(actual, expected, strict=True):
        assert_matches_talib(mine, reference)


@pytest.mark.parametrize("pair", CASES)
def test_indicator_equals_talib_on_a_2000_bar_random_walk(pair: Pair, bars: Any) -> None:
    check(pair, *bars)


@pytest.mark.parametrize("length", [0, 1, 2, 5, 13, 27])
@pytest.mark.parametrize("pair", CASES)
def test_indicator_equals_talib_on_series_shorter_than_its_warm_up(
    pair: Pair, bars: Any, length: int
) -> None:
    check(pair, *(field[:length].copy() for field in bars))


@pytest.mark.parametrize("pair", CASES)
def test_indicator_equals_talib_on_constant_prices(pair: Pair) -> None:
    # Divisions by zero: RSI reports 0, DI/DX 0 and ADX 0, raw %K 0, Bollinger deviation 0.
    flat = np.full(120, 42.5)
    check(pair, flat, flat, flat, np.full(120, 1_000.0))


@pytest.mark.parametrize("pair", CASES)
def test_indicator_equals_talib_when_prices_stall_then_move(pair: Pair, bars: Any) -> None:
    high, low, close, volume = (field[:200].copy() for field in bars)
    for field in (high, low, close):
        field[50:110] = 99.0
    check(pair, high, low, close, volume)


def test_rsi_of_prices_that_never_move_is_zero_as_in_talib() -> None:
    assert np.all(np.asarray(ti.rsi(np.full(30, 7.0)))[14:] == 0.0)


def test_macd_fast_ema_is_seeded_with_the_slow_ema_not_alone(bars: Any) -> None:
    close = bars.close
    line = np.asarray(ti.macd(close).macd)
    standalone = np.asarray(ti.ema(close, 12)) - np.asarray(ti.ema(close, 26))
    assert not np.allclose(line[33:60], standalone[33:60], rtol=1e-10)
    np.testing.assert_allclose(line[-100:], standalone[-100:], rtol=1e-6)


@pytest.mark.parametrize("pair", CASES)
def test_indicator_equals_talib_on_moves_far_below_one_cent(pair: Pair) -> None:
    # TA-Lib guards its divisions with exact zero tests, not with a 1e-8 tolerance.
    rng = np.random.default_rng(3)
    close = 1.0 + 1e-10 * np.cumsum(rng.normal(size=80))
    check(pair, close + 1e-10, close - 1e-10, close, np.full(80, 10.0))
