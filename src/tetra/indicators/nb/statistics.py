"""Rolling statistics kernels: z-score on T x N panels, beta and correlation of two series.

Each window's first moments come from an exact two-pass computation; later windows slide
with Welford's replace-one-value updates, tracking a bound on the rounding error they add.
When that bound exceeds `RELATIVE_TOLERANCE` of the variance (the spread has collapsed
relative to recent moves), or after `period` slides, the window is recomputed exactly.
A window whose values are all equal (tracked by run length, as pandas does) or differ only
by rounding (population std within 16 ulps of the mean) has zero spread, so a z-score, beta
or correlation against it is NaN rather than noise over noise. Population (ddof=0) moments.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from tetra.indicators.nb._jit import njit
from tetra.indicators.nb.averages import first_valid_2d_nb, first_valid_nb

Array = npt.NDArray[np.float64]

RELATIVE_TOLERANCE = 1e-12
_EPS = 2.220446049250313e-16


@njit
def _slide_error_nb(new: float, old: float, mean: float, slides: int) -> float:
    """Bound the rounding error one replace-update adds to a second moment."""
    spread = abs(new) + abs(old) + abs(mean)
    return _EPS * abs(new - old) * (4.0 * spread + 2.0 * slides * abs(mean))


@njit
def _is_flat_nb(run: int, moment: float, mean: float, period: int) -> bool:
    """Tell whether a window has no spread beyond rounding."""
    return run >= period or moment / period <= (16.0 * _EPS * mean) ** 2


@njit
def _column_moments_nb(values: Array, col: int, stop: int, period: int) -> tuple[float, float]:
    """Return the mean and second moment of column `col` over rows stop-period..stop-1."""
    total = 0.0
    for row in range(stop - period, stop):
        total += values[row, col]
    mean = total / period
    moment = 0.0
    for row in range(stop - period, stop):
        moment += (values[row, col] - mean) * (values[row, col] - mean)
    return mean, moment


@njit
def rolling_zscore_2d_nb(values: Array, period: int) -> Array:
    """Compute (x - rolling mean) / rolling population std per column; NaN for a flat window."""
    n_rows, n_cols = values.shape
    out = np.full((n_rows, n_cols), np.nan)
    first = first_valid_2d_nb(values)
    mean = np.zeros(n_cols)
    moment = np.zeros(n_cols)
    error = np.zeros(n_cols)
    slides = np.zeros(n_cols, dtype=np.int64)
    run = np.zeros(n_cols, dtype=np.int64)
    for row in range(n_rows):
        for col in range(n_cols):
            age = row - first[col]
            if age < 0:
                continue
            value = values[row, col]
            same = age > 0 and value == values[row - 1, col]
            run[col] = run[col] + 1 if same else 1
            if age < period - 1:
                continue
            exact = age == period - 1 or slides[col] >= period
            if not exact:
                old = values[row - period, col]
                new_mean = mean[col] + (value - old) / period
                moment[col] += (value - old) * (value - new_mean + old - mean[col])
                error[col] += _slide_error_nb(value, old, mean[col], slides[col])
                mean[col] = new_mean
                slides[col] += 1
                exact = error[col] > RELATIVE_TOLERANCE * moment[col]
            if exact:
                mean[col], moment[col] = _column_moments_nb(values, col, row + 1, period)
                error[col] = 0.0
                slides[col] = 0
            if not _is_flat_nb(run[col], moment[col], mean[col], period):
                out[row, col] = (value - mean[col]) / math.sqrt(moment[col] / period)
    return out


@njit
def _pair_moments_nb(y: Array, x: Array, stop: int, period: int) -> Array:
    """Return [mean y, mean x, m_yy, m_xx, m_yx] over rows stop-period..stop-1, two-pass."""
    mean_y = y[stop - period : stop].sum() / period
    mean_x = x[stop - period : stop].sum() / period
    state = np.array([mean_y, mean_x, 0.0, 0.0, 0.0])
    for row in range(stop - period, stop):
        state[2] += (y[row] - mean_y) * (y[row] - mean_y)
        state[3] += (x[row] - mean_x) * (x[row] - mean_x)
        state[4] += (y[row] - mean_y) * (x[row] - mean_x)
    return state


@njit
def _slide_pair_nb(state: Array, y: Array, x: Array, row: int, period: int, slides: int) -> float:
    """Replace the oldest pair of the window by row `row`'s; return the error bound added."""
    mean_y, mean_x = state[0], state[1]
    new_y, old_y, new_x, old_x = y[row], y[row - period], x[row], x[row - period]
    state[0] = mean_y + (new_y - old_y) / period
    state[1] = mean_x + (new_x - old_x) / period
    state[2] += (new_y - old_y) * (new_y - state[0] + old_y - mean_y)
    state[3] += (new_x - old_x) * (new_x - state[1] + old_x - mean_x)
    state[4] += (new_x - old_x) * (new_y - state[0]) + (new_y - old_y) * (old_x - mean_x)
    error_y = _slide_error_nb(new_y, old_y, mean_y, slides)
    error_x = _slide_error_nb(new_x, old_x, mean_x, slides)
    worst: float = max(error_y / max(state[2], 1e-300), error_x / max(state[3], 1e-300))
    return worst


@njit
def rolling_comoments_nb(y: Array, x: Array, period: int) -> tuple[Array, Array, Array]:
    """Compute the rolling population covariance of (y, x) and variances of y and x.

    A series' variance (and the covariance) is exactly 0 over a window without spread.
    """
    n_rows = y.shape[0]
    covariance = np.full(n_rows, np.nan)
    variance_y = np.full(n_rows, np.nan)
    variance_x = np.full(n_rows, np.nan)
    start = first_valid_nb(y + x)
    state = np.zeros(5)
    relative_error = 0.0
    slides = run_y = run_x = 0
    for row in range(start, n_rows):
        run_y = run_y + 1 if row > start and y[row] == y[row - 1] else 1
        run_x = run_x + 1 if row > start and x[row] == x[row - 1] else 1
        if row - start < period - 1:
            continue
        exact = row - start == period - 1 or slides >= period
        if not exact:
            relative_error += _slide_pair_nb(state, y, x, row, period, slides)
            slides += 1
            exact = relative_error > RELATIVE_TOLERANCE
        if exact:
            state = _pair_moments_nb(y, x, row + 1, period)
            relative_error = 0.0
            slides = 0
        flat_y = _is_flat_nb(run_y, state[2], state[0], period)
        flat_x = _is_flat_nb(run_x, state[3], state[1], period)
        covariance[row] = 0.0 if flat_y or flat_x else state[4] / period
        variance_y[row] = 0.0 if flat_y else max(state[2], 0.0) / period
        variance_x[row] = 0.0 if flat_x else max(state[3], 0.0) / period
    return covariance, variance_y, variance_x


def rolling_beta_from_moments(covariance: Array, variance_x: Array) -> Array:
    """Divide cov(y, x) by var(x) to get beta; NaN where x did not move."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(variance_x > 0.0, covariance / variance_x, np.nan)


def rolling_correlation_from_moments(
    covariance: Array, variance_y: Array, variance_x: Array
) -> Array:
    """Compute the Pearson correlation, clipped to [-1, 1]; NaN where either series did not move."""
    with np.errstate(divide="ignore", invalid="ignore"):
        correlation = covariance / np.sqrt(variance_y * variance_x)
    correlation = np.where((variance_y > 0.0) & (variance_x > 0.0), correlation, np.nan)
    return np.clip(correlation, -1.0, 1.0)
