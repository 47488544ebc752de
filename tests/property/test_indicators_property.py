"""Invariants of the technical indicators, over generated price paths."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import tetra.indicators as ti

Array = npt.NDArray[np.float64]
EXAMPLES = settings(max_examples=40, deadline=None)

periods = st.integers(min_value=2, max_value=30)
levels = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def price_paths(draw: st.DrawFn, min_size: int = 1, max_size: int = 150) -> Array:
    """A positive price path: a start level times the exponential of a bounded walk."""
    start = draw(levels)
    steps = draw(
        st.lists(
            st.floats(min_value=-0.2, max_value=0.2, allow_nan=False),
            min_size=min_size,
            max_size=max_size,
        )
    )
    return start * np.exp(np.cumsum(np.asarray(steps, dtype=np.float64)))


@st.composite
def bar_paths(draw: st.DrawFn) -> tuple[Array, Array, Array]:
    """High, low and close with low <= close <= high."""
    close = draw(price_paths())
    spread = draw(
        st.lists(st.floats(min_value=0.0, max_value=0.1), min_size=close.size, max_size=close.size)
    )
    widths = close * np.asarray(spread, dtype=np.float64)
    return close + widths, close - widths / 2.0, close


def finite(values: object) -> Array:
    array = np.asarray(values, dtype=np.float64)
    return array[np.isfinite(array)]


@EXAMPLES
@given(level=levels, size=st.integers(1, 120), period=st.integers(1, 30))
def test_sma_and_ema_of_a_constant_are_that_constant(level: float, size: int, period: int) -> None:
    constant = np.full(size, level)
    for average in (ti.sma(constant, period), ti.ema(constant, period), ti.wma(constant, period)):
        np.testing.assert_allclose(finite(average), level, rtol=1e-12)
        assert np.isnan(average[: period - 1]).all()


@EXAMPLES
@given(prices=price_paths(), period=periods)
def test_bollinger_middle_is_the_sma_and_bands_are_ordered(prices: Array, period: int) -> None:
    upper, middle, lower = ti.bollinger_bands(prices, period)
    np.testing.assert_array_equal(middle, ti.sma(prices, period))
    valid = ~np.isnan(middle)
    assert np.all(upper[valid] >= middle[valid])
    assert np.all(middle[valid] >= lower[valid])


@EXAMPLES
@given(prices=price_paths(), period=periods)
def test_rsi_is_within_0_and_100(prices: Array, period: int) -> None:
    values = finite(ti.rsi(prices, period))
    assert np.all((values >= 0.0) & (values <= 100.0))


@EXAMPLES
@given(bars=bar_paths(), fastk=st.integers(1, 14), slowk=st.integers(1, 5), slowd=st.integers(1, 5))
def test_stochastic_is_within_0_and_100(
    bars: tuple[Array, Array, Array], fastk: int, slowk: int, slowd: int
) -> None:
    slow_k, slow_d = ti.stochastic(*bars, fastk, slowk, slowd)
    for line in (slow_k, slow_d):
        values = finite(line)
        assert np.all((values >= -1e-9) & (values <= 100.0 + 1e-9))
    np.testing.assert_array_equal(np.isnan(slow_k), np.isnan(slow_d))


@EXAMPLES
@given(bars=bar_paths(), period=periods)
def test_adx_and_directional_indicators_are_within_0_and_100(
    bars: tuple[Array, Array, Array], period: int
) -> None:
    for line in ti.adx(*bars, period):
        values = finite(line)
        assert np.all((values >= 0.0) & (values <= 100.0 + 1e-9))


@EXAMPLES
@given(bars=bar_paths(), period=st.integers(1, 30))
def test_atr_is_non_negative(bars: tuple[Array, Array, Array], period: int) -> None:
    assert np.all(finite(ti.atr(*bars, period)) >= 0.0)


@EXAMPLES
@given(
    start=st.floats(-1e3, 1e3),
    slope=st.floats(0.01, 10.0) | st.floats(-10.0, -0.01),
    size=st.integers(2, 200),
    period=periods,
)
def test_zscore_of_a_linear_ramp_is_constant_after_the_warm_up(
    start: float, slope: float, size: int, period: int
) -> None:
    ramp = start + slope * np.arange(size, dtype=np.float64)
    zscore = np.asarray(ti.rolling_zscore(ramp, period))
    expected = math.copysign(math.sqrt(3.0 * (period - 1) / (period + 1)), slope)
    assert np.isnan(zscore[: period - 1]).all()
    np.testing.assert_allclose(zscore[period - 1 :], expected, rtol=1e-9)


@EXAMPLES
@given(prices=price_paths(min_size=3), period=periods)
def test_correlation_is_within_minus_1_and_1_and_self_correlation_is_1(
    prices: Array, period: int
) -> None:
    returns = np.diff(np.log(prices))
    other = np.roll(returns, 1)
    assert np.all(np.abs(finite(ti.rolling_correlation(returns, other, period))) <= 1.0)
    self_correlation = np.asarray(ti.rolling_correlation(returns, returns, period))
    spread = np.asarray(pd.Series(returns).rolling(period).std(ddof=0))
    np.testing.assert_allclose(self_correlation[spread > 1e-9], 1.0, rtol=1e-9)


@EXAMPLES
@given(prices=price_paths(min_size=3), period=periods, scale=st.floats(0.1, 10.0))
def test_beta_of_a_scaled_series_on_itself_is_the_scale(
    prices: Array, period: int, scale: float
) -> None:
    returns = np.diff(np.log(prices))
    beta = np.asarray(ti.rolling_beta(scale * returns, returns, period))
    # Only windows with a real spread: over near-equal returns beta is rounding over rounding.
    spread = np.asarray(pd.Series(returns).rolling(period).std(ddof=0))
    np.testing.assert_allclose(beta[spread > 1e-9], scale, rtol=1e-8)


@EXAMPLES
@given(prices=price_paths(), volume=st.floats(1.0, 1e6), period=st.integers(1, 30))
def test_vwap_with_constant_volume_is_the_sma(prices: Array, volume: float, period: int) -> None:
    volumes = np.full(prices.size, volume)
    np.testing.assert_allclose(ti.vwap(prices, volumes, period), ti.sma(prices, period), rtol=1e-9)


@EXAMPLES
@given(prices=price_paths(), volume=st.floats(1.0, 1e6))
def test_anchored_vwap_stays_within_the_running_price_range(prices: Array, volume: float) -> None:
    anchored = np.asarray(ti.vwap(prices, np.full(prices.size, volume)))
    tolerance = 1e-9 * prices.max()
    assert np.all(anchored <= np.maximum.accumulate(prices) + tolerance)
    assert np.all(anchored >= np.minimum.accumulate(prices) - tolerance)


@EXAMPLES
@given(prices=price_paths(), lead=st.integers(0, 20), period=periods)
def test_leading_nans_shift_the_output_without_changing_it(
    prices: Array, lead: int, period: int
) -> None:
    listed_late = np.r_[np.full(lead, np.nan), prices]
    for indicator in (ti.sma, ti.ema, ti.rsi, ti.rolling_zscore):
        shifted = np.asarray(indicator(listed_late, period))
        assert np.isnan(shifted[:lead]).all()
        np.testing.assert_array_equal(shifted[lead:], indicator(prices, period))
