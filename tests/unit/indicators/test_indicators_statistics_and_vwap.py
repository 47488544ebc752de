"""Indicators TA-Lib lacks, checked against pandas or a direct formula."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

import tetra.indicators as ti


def returns_of(prices: Any) -> pd.Series:
    return pd.Series(prices).pct_change()


@pytest.mark.parametrize("period", [2, 5, 20, 252])
def test_rolling_zscore_equals_pandas_population_zscore(bars: Any, period: int) -> None:
    close = pd.Series(bars.close)
    rolling = close.rolling(period)
    expected = (close - rolling.mean()) / rolling.std(ddof=0)
    np.testing.assert_allclose(ti.rolling_zscore(close, period), expected, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("period", [2, 5, 60, 252])
def test_rolling_beta_equals_pandas_cov_over_var(bars: Any, period: int) -> None:
    asset, market = returns_of(bars.high), returns_of(bars.close)
    expected = asset.rolling(period).cov(market) / market.rolling(period).var()
    actual = ti.rolling_beta(asset, market, period)
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected))
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("period", [2, 5, 60, 252])
def test_rolling_correlation_equals_pandas_corr(bars: Any, period: int) -> None:
    asset, market = returns_of(bars.low), returns_of(bars.close)
    expected = asset.rolling(period).corr(market)
    actual = ti.rolling_correlation(asset, market, period)
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-12)


def test_rolling_correlation_of_price_levels_equals_pandas(bars: Any) -> None:
    high, close = pd.Series(bars.high), pd.Series(bars.close)
    expected = high.rolling(30).corr(close)
    np.testing.assert_allclose(
        ti.rolling_correlation(high, close, 30), expected, rtol=1e-8, atol=1e-10
    )


def test_statistics_are_nan_over_a_flat_window() -> None:
    flat_then_moving = np.r_[np.full(10, 3.3), np.linspace(3.3, 4.0, 10)]
    other = np.linspace(1.0, 2.0, 20) ** 2
    assert np.isnan(ti.rolling_zscore(flat_then_moving, 5)[4:10]).all()
    assert np.isfinite(ti.rolling_zscore(flat_then_moving, 5)[11:]).all()
    assert np.isnan(ti.rolling_beta(other, flat_then_moving, 5)[4:10]).all()
    assert np.isnan(ti.rolling_correlation(other, flat_then_moving, 5)[4:10]).all()
    np.testing.assert_array_equal(ti.rolling_beta(flat_then_moving, other, 5)[4:10], 0.0)


def test_statistics_stay_exact_after_a_volatile_stretch_goes_flat(bars: Any) -> None:
    values = np.r_[bars.close[:500], np.full(30, 123.0)]
    assert np.isnan(ti.rolling_zscore(values, 20)[-10:]).all()


@pytest.mark.parametrize("period", [1, 3, 20])
def test_rolling_vwap_equals_the_direct_windowed_formula(bars: Any, period: int) -> None:
    price = (bars.high + bars.low + bars.close) / 3.0
    expected = np.full(price.shape, np.nan)
    for row in range(period - 1, price.size):
        window = slice(row - period + 1, row + 1)
        expected[row] = np.sum(price[window] * bars.volume[window]) / np.sum(bars.volume[window])
    np.testing.assert_allclose(ti.vwap(price, bars.volume, period), expected, rtol=1e-10)


def test_anchored_vwap_equals_cumulative_turnover_over_cumulative_volume(bars: Any) -> None:
    expected = np.cumsum(bars.close * bars.volume) / np.cumsum(bars.volume)
    np.testing.assert_allclose(ti.vwap(bars.close, bars.volume), expected, rtol=1e-10)


def test_anchored_vwap_restarts_at_each_anchor(bars: Any) -> None:
    price, volume = bars.close[:100], bars.volume[:100]
    anchors = np.zeros(100, dtype=bool)
    anchors[[0, 40, 41, 77]] = True
    expected = np.concatenate(
        [
            np.cumsum(price[a:b] * volume[a:b]) / np.cumsum(volume[a:b])
            for a, b in [(0, 40), (40, 41), (41, 77), (77, 100)]
        ]
    )
    np.testing.assert_allclose(ti.vwap(price, volume, anchors=anchors), expected, rtol=1e-10)


def test_vwap_is_nan_until_volume_trades() -> None:
    price = np.array([10.0, 11.0, 12.0, 13.0])
    volume = np.array([0.0, 0.0, 2.0, 2.0])
    np.testing.assert_array_equal(ti.vwap(price, volume), [np.nan, np.nan, 12.0, 12.5])
    np.testing.assert_array_equal(ti.vwap(price, volume, 2), [np.nan, np.nan, 12.0, 12.5])
