"""Panels equal their columns, pandas objects round-trip, late listings warm up on their own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

import tetra.indicators as ti

# name -> indicator on (high, low, close, volume), returning one output or a NamedTuple.
INDICATORS: dict[str, Callable[..., Any]] = {
    "sma": lambda h, lo, c, v: ti.sma(c, 10),
    "ema": lambda h, lo, c, v: ti.ema(c, 10),
    "wma": lambda h, lo, c, v: ti.wma(c, 10),
    "macd": lambda h, lo, c, v: ti.macd(c),
    "rsi": lambda h, lo, c, v: ti.rsi(c),
    "stochastic": lambda h, lo, c, v: ti.stochastic(h, lo, c),
    "rate_of_change": lambda h, lo, c, v: ti.rate_of_change(c),
    "momentum": lambda h, lo, c, v: ti.momentum(c),
    "bollinger_bands": lambda h, lo, c, v: ti.bollinger_bands(c),
    "atr": lambda h, lo, c, v: ti.atr(h, lo, c),
    "adx": lambda h, lo, c, v: ti.adx(h, lo, c),
    "obv": lambda h, lo, c, v: ti.obv(c, v),
    "vwap_rolling": lambda h, lo, c, v: ti.vwap(c, v, 20),
    "vwap_anchored": lambda h, lo, c, v: ti.vwap(c, v),
    "rolling_zscore": lambda h, lo, c, v: ti.rolling_zscore(c, 20),
    "rolling_beta": lambda h, lo, c, v: ti.rolling_beta(h, c, 20),
    "rolling_correlation": lambda h, lo, c, v: ti.rolling_correlation(lo, c, 20),
}
NAMES = list(INDICATORS)


def outputs(result: Any) -> tuple[Any, ...]:
    return tuple(result) if isinstance(result, tuple) else (result,)


@pytest.mark.parametrize("name", NAMES)
def test_panel_equals_each_column_computed_alone(name: str, panel_bars: Any) -> None:
    indicator = INDICATORS[name]
    panel_result = outputs(indicator(*panel_bars))
    for col in range(panel_bars.close.shape[1]):
        column_result = outputs(indicator(*(field[:, col] for field in panel_bars)))
        for whole, alone in zip(panel_result, column_result, strict=True):
            np.testing.assert_array_equal(whole[:, col], alone)


@pytest.mark.parametrize("name", NAMES)
def test_series_in_gives_series_out_on_the_same_index(name: str, panel_bars: Any) -> None:
    index = pd.date_range("2024-01-01", periods=panel_bars.close.shape[0], freq="D")
    fields = [pd.Series(field[:, 0], index=index, name="close") for field in panel_bars]
    expected = outputs(INDICATORS[name](*(field[:, 0] for field in panel_bars)))
    for series, array in zip(outputs(INDICATORS[name](*fields)), expected, strict=True):
        assert isinstance(series, pd.Series)
        assert series.index.equals(index)
        np.testing.assert_array_equal(series.to_numpy(), array)


@pytest.mark.parametrize("name", NAMES)
def test_dataframe_in_gives_dataframe_out_with_the_same_labels(name: str, panel_bars: Any) -> None:
    index = pd.RangeIndex(100, 100 + panel_bars.close.shape[0])
    columns = ["AAA", "BBB", "CCC", "DDD", "EEE"]
    frames = [pd.DataFrame(field, index=index, columns=columns) for field in panel_bars]
    for frame, array in zip(
        outputs(INDICATORS[name](*frames)), outputs(INDICATORS[name](*panel_bars)), strict=True
    ):
        assert isinstance(frame, pd.DataFrame)
        assert frame.index.equals(index)
        assert list(frame.columns) == columns
        np.testing.assert_array_equal(frame.to_numpy(), array)


@pytest.mark.parametrize("name", NAMES)
def test_leading_nans_delay_the_warm_up_to_the_first_finite_bar(name: str, bars: Any) -> None:
    late = 37
    fields = [field[:400].copy() for field in bars]
    listed_late = [np.r_[np.full(late, np.nan), field] for field in fields]
    shifted, unshifted = outputs(INDICATORS[name](*listed_late)), outputs(INDICATORS[name](*fields))
    for with_gap, without in zip(shifted, unshifted, strict=True):
        assert np.isnan(with_gap[:late]).all()
        np.testing.assert_array_equal(with_gap[late:], without)


def test_leading_nans_in_one_input_delay_a_multi_input_indicator(bars: Any) -> None:
    high, low, close = (field[:200].copy() for field in bars[:3])
    high[:10] = np.nan
    expected = np.r_[np.full(10, np.nan), ti.atr(high[10:], low[10:], close[10:])]
    np.testing.assert_array_equal(ti.atr(high, low, close), expected)


def test_an_all_nan_series_gives_all_nan(bars: Any) -> None:
    nothing = np.full(50, np.nan)
    for result in (
        ti.sma(nothing, 5),
        ti.ema(nothing, 5),
        ti.rsi(nothing),
        ti.atr(nothing, nothing, nothing),
    ):
        assert np.isnan(result).all()


def test_an_interior_nan_propagates_through_a_recursion() -> None:
    values = np.arange(1.0, 41.0)
    values[25] = np.nan
    assert np.isnan(ti.ema(values, 5)[25:]).all()
    assert np.isfinite(ti.ema(values, 5)[4:25]).all()


def test_integer_input_is_treated_as_float() -> None:
    np.testing.assert_array_equal(ti.sma(np.arange(10), 3), ti.sma(np.arange(10.0), 3))


PERIOD = "must be an integer"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ti.sma(np.ones(10), 0), PERIOD),
        (lambda: ti.ema(np.ones(10), -1), PERIOD),
        (lambda: ti.rsi(np.ones(10), 1), PERIOD),
        (lambda: ti.adx(np.ones(10), np.ones(10), np.ones(10), 1), PERIOD),
        (lambda: ti.bollinger_bands(np.ones(10), 1), PERIOD),
        (lambda: ti.rolling_zscore(np.ones(10), 1), PERIOD),
        (lambda: ti.sma(np.ones(10), 2.5), PERIOD),  # type: ignore[arg-type]
        (lambda: ti.sma(np.ones(10), True), PERIOD),
        (lambda: ti.macd(np.ones(10), 26, 12), "exceeds slow_period"),
        (lambda: ti.atr(np.ones(10), np.ones(9), np.ones(10)), "differ in shape"),
        (lambda: ti.sma(np.ones((2, 2, 2)), 2), "3-D"),
        (
            lambda: ti.vwap(np.ones(10), np.ones(10), 3, anchors=np.zeros(10, dtype=bool)),
            "anchored VWAP only",
        ),
        (
            lambda: ti.vwap(np.ones(10), np.ones(10), anchors=np.zeros(9, dtype=bool)),
            "one flag per row",
        ),
    ],
)
def test_invalid_arguments_are_rejected(call: Callable[[], Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_an_empty_panel_gives_an_empty_panel() -> None:
    empty = np.empty((30, 0))
    assert ti.rsi(empty).shape == (30, 0)
    assert ti.adx(empty, empty, empty).adx.shape == (30, 0)
