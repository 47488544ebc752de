"""Return-based performance metrics, numerically equal to empyrical's.

Every function takes the simple (non-cumulative) returns of a book, one per bar, as a
float Series; `simple_returns` derives them from an equity curve. Ratios are fractions
(0.05 = 5 %). Undefined values are NaN, never an exception, and the edge cases follow
empyrical (``empyrical-reloaded``) so the numbers can be checked against it:

- no returns: every metric is NaN;
- one return: total and annual return and max drawdown are defined, dispersion-based
  metrics (volatility, Sharpe, Sortino, alpha, beta) are NaN;
- zero dispersion (flat equity, or the same return every bar): Sharpe and Sortino are
  NaN when the mean excess return is zero and +/-inf otherwise;
- no drawdown: max drawdown and its duration are 0 and Calmar is NaN.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pandas as pd

TRADING_DAYS_PER_YEAR = 252

# Compounding returns back into a wealth index leaves rounding residue of a few ulps;
# a bar within this relative distance of its running peak counts as back at the peak.
_AT_PEAK_TOLERANCE = 1e-12


def simple_returns(equity: pd.Series[float]) -> pd.Series[float]:
    """Return the bar-to-bar simple returns of an equity curve (one fewer than bars)."""
    values = equity.to_numpy(dtype="float64")
    returns = values[1:] / values[:-1] - 1.0
    return pd.Series(returns, index=equity.index[1:], dtype="float64")


def total_return(returns: pd.Series[float]) -> float:
    """Return the compounded return over the whole period; NaN without returns."""
    if len(returns) == 0:
        return math.nan
    return float(np.prod(1.0 + _values(returns)) - 1.0)


def annual_return(returns: pd.Series[float], periods_per_year: int = 252) -> float:
    """Return the compound annual growth rate, with years = bars / `periods_per_year`.

    A wealth that ends at or below zero has no growth rate: -1 at exactly zero (as
    empyrical), NaN below.
    """
    if len(returns) == 0:
        return math.nan
    ending_value = float(np.prod(1.0 + _values(returns)))
    if ending_value <= 0.0:
        return -1.0 if ending_value == 0.0 else math.nan
    return float(ending_value ** (periods_per_year / len(returns)) - 1.0)


def annual_volatility(returns: pd.Series[float], periods_per_year: int = 252) -> float:
    """Return the sample standard deviation of returns scaled by sqrt(`periods_per_year`)."""
    if len(returns) < 2:
        return math.nan
    return float(np.std(_values(returns), ddof=1) * math.sqrt(periods_per_year))


def sharpe_ratio(
    returns: pd.Series[float], risk_free: float = 0.0, periods_per_year: int = 252
) -> float:
    """Return the annualised Sharpe ratio of returns in excess of `risk_free` per bar.

    Zero dispersion gives NaN for a zero mean excess return and +/-inf otherwise.
    """
    if len(returns) < 2:
        return math.nan
    excess = _values(returns) - risk_free
    deviation = 0.0 if _is_constant(excess) else float(np.std(excess, ddof=1))
    return _ratio(float(np.mean(excess)), deviation) * math.sqrt(periods_per_year)


def downside_risk(
    returns: pd.Series[float], required_return: float = 0.0, periods_per_year: int = 252
) -> float:
    """Return the annualised root-mean-square shortfall below `required_return`.

    Every bar counts in the mean, bars above the threshold as a zero shortfall.
    """
    if len(returns) == 0:
        return math.nan
    shortfall = np.minimum(_values(returns) - required_return, 0.0)
    return float(np.sqrt(np.mean(shortfall**2)) * math.sqrt(periods_per_year))


def sortino_ratio(
    returns: pd.Series[float], required_return: float = 0.0, periods_per_year: int = 252
) -> float:
    """Return the annualised mean excess return over the annualised downside risk.

    Without any bar below `required_return` the ratio is +inf (NaN for a zero mean).
    """
    if len(returns) < 2:
        return math.nan
    mean_excess = float(np.mean(_values(returns) - required_return)) * periods_per_year
    return _ratio(mean_excess, downside_risk(returns, required_return, periods_per_year))


def drawdown_series(returns: pd.Series[float]) -> pd.Series[float]:
    """Return, per bar, the fractional distance below the running peak (0 or negative).

    The wealth before the first return is the first peak, so an opening loss is a
    drawdown.
    """
    wealth = np.concatenate(([1.0], np.cumprod(1.0 + _values(returns))))
    peaks = np.maximum.accumulate(wealth)
    drawdowns = (wealth / peaks - 1.0)[1:]
    return pd.Series(drawdowns, index=returns.index, dtype="float64")


def max_drawdown(returns: pd.Series[float]) -> float:
    """Return the deepest peak-to-trough loss as a negative fraction; 0 without one."""
    if len(returns) == 0:
        return math.nan
    return float(drawdown_series(returns).min())


def max_drawdown_duration(returns: pd.Series[float]) -> int:
    """Return the longest drawdown, in bars from the peak to the bar that regains it.

    A drawdown still open at the last bar counts up to that bar. A curve that never
    falls below a peak has duration 0. The wealth before the first return is a peak,
    so the duration of equity [100, 110, 99, 105, 112] is 3 (bar 1 to bar 4) and that
    of [100, 90, 95] is 2.
    """
    under_water = drawdown_series(returns).to_numpy() < -_AT_PEAK_TOLERANCE
    longest = run = 0
    for is_under in under_water:
        if is_under:
            run += 1
        elif run:
            longest = max(longest, run + 1)  # the span includes the recovery bar
            run = 0
    return max(longest, run)


def calmar_ratio(returns: pd.Series[float], periods_per_year: int = 252) -> float:
    """Return the annual return over the absolute max drawdown; NaN without a drawdown."""
    deepest = max_drawdown(returns)
    if not deepest < 0.0:
        return math.nan
    ratio = annual_return(returns, periods_per_year) / abs(deepest)
    return math.nan if math.isinf(ratio) else ratio


def alpha_beta(
    returns: pd.Series[float],
    benchmark_returns: pd.Series[float],
    risk_free: float = 0.0,
    periods_per_year: int = 252,
) -> tuple[float, float]:
    """Return the annualised alpha and the beta of returns regressed on a benchmark.

    Only bars present in both series count. Beta is cov/var of the excess returns;
    alpha compounds the mean per-bar residual return over a year, as empyrical. Fewer
    than two common bars or a benchmark without variance give NaN for both.
    """
    joined = pd.concat([returns, benchmark_returns], axis=1, join="inner").dropna()
    if len(joined) < 2:
        return math.nan, math.nan
    excess = joined.to_numpy(dtype="float64") - risk_free
    strategy, benchmark = excess[:, 0], excess[:, 1]
    benchmark_residual = benchmark - benchmark.mean()
    variance = float(np.mean(benchmark_residual**2))
    if variance < 1.0e-30:
        return math.nan, math.nan
    beta = float(np.mean(benchmark_residual * strategy)) / variance
    residual_mean = float(np.mean(strategy - beta * benchmark))
    return float((1.0 + residual_mean) ** periods_per_year - 1.0), beta


def _values(returns: pd.Series[float]) -> npt.NDArray[np.float64]:
    return np.asarray(returns.to_numpy(), dtype=np.float64)


def _is_constant(values: npt.NDArray[np.float64]) -> bool:
    return bool(values.max() == values.min())


def _ratio(numerator: float, denominator: float) -> float:
    if denominator != 0.0:
        return numerator / denominator
    if numerator == 0.0:
        return math.nan
    return math.copysign(math.inf, numerator)
