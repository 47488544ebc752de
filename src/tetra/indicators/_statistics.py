"""Rolling statistics: z-score, beta, correlation (population moments)."""

from __future__ import annotations

from tetra.indicators._arrays import (
    Values,
    as_array,
    as_arrays,
    check_period,
    like,
    on_columns,
    on_panel,
)
from tetra.indicators.nb import statistics


def rolling_zscore(values: Values, period: int) -> Values:
    """Compute (x - rolling mean) / rolling population std over `period` bars.

    NaN where all values of the window are equal (the deviation is 0).
    """
    check_period("period", period, 2)
    return like(values, on_panel(statistics.rolling_zscore_2d_nb, as_array(values), period))


def rolling_beta(y: Values, x: Values, period: int) -> Values:
    """Compute the rolling beta of `y` on `x` (e.g. asset on benchmark returns): cov / var(x).

    NaN where `x` is constant over the window.
    """
    check_period("period", period, 2)
    covariance, _, variance_x = on_columns(statistics.rolling_comoments_nb, as_arrays(y, x), period)
    return like(y, statistics.rolling_beta_from_moments(covariance, variance_x))


def rolling_correlation(y: Values, x: Values, period: int) -> Values:
    """Compute the rolling Pearson correlation of `y` and `x`, within [-1, 1].

    NaN where either series is constant over the window.
    """
    check_period("period", period, 2)
    moments = on_columns(statistics.rolling_comoments_nb, as_arrays(y, x), period)
    return like(y, statistics.rolling_correlation_from_moments(*moments))
