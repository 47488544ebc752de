"""Stochastic kernels on plain NumPy arrays: the building blocks of simulated markets.

Arrays are laid out (step, path): rows are time steps, columns are paths (instruments or
factors). Per-path parameters broadcast along the last axis. Kernels that need randomness take
a `numpy.random.Generator`; the others take their shocks as arrays, so callers decide how draws
are keyed (per symbol, per factor) and scenarios can inject shocks of their own.

Map of the module:
- fat tails and volatility clustering: `GarchParameters`, `standardised_student_t`,
  `garch_variance`, `garch_paths`, `simulate_garch_t`, `volatility_regime`;
- cross-sectional structure: `correlate_innovations`, `combine_factors`,
  `combine_factor_variances`;
- calendars: `aggregate_between` sums daily values into the sessions that contain them;
- bars: `BarShape`, `overnight_gaps`, `deduct_payouts`, `ohlc_from_returns`;
- activity: `autoregressive_noise`, `trading_volume`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

_SMALLEST_GROSS_RETURN = 1e-6  # a payout can never take more than the whole price


def _as_floats(values: npt.ArrayLike) -> FloatArray:
    return np.atleast_1d(np.asarray(values, dtype=np.float64))


@dataclass(frozen=True, slots=True, eq=False)
class GarchParameters:
    """GARCH(1,1) with Student-t innovations, one value per path (or one for all).

    The variance of step t is ``omega + alpha * r[t-1]**2 + beta * variance[t-1]``, held at
    most `variance_cap` times the unconditional variance; the innovations are Student-t with
    `degrees_of_freedom`, standardised to unit variance.

    The cap stands in for the mean reversion real volatility shows at its peaks: without it a
    run of large Student-t shocks compounds the variance without bound (a fat-tailed GARCH
    can have an infinite fourth moment), and one path in thousands explodes.
    """

    omega: FloatArray
    alpha: FloatArray
    beta: FloatArray
    degrees_of_freedom: FloatArray
    variance_cap: FloatArray = field(default_factory=lambda: np.array([np.inf]))

    def __post_init__(self) -> None:
        if np.any(self.omega <= 0) or np.any(self.alpha < 0) or np.any(self.beta < 0):
            raise ValueError("GARCH needs omega > 0 and non-negative alpha and beta")
        if np.any(self.alpha + self.beta >= 1):
            raise ValueError("GARCH needs alpha + beta < 1 for a finite variance")
        if np.any(self.degrees_of_freedom <= 2):
            raise ValueError("Student-t innovations need more than 2 degrees of freedom")
        if np.any(self.variance_cap < 1):
            raise ValueError("a GARCH variance cap below the long-run variance cannot hold")

    @classmethod
    def from_volatility(
        cls,
        volatility: npt.ArrayLike,
        alpha: npt.ArrayLike,
        persistence: npt.ArrayLike,
        degrees_of_freedom: npt.ArrayLike,
        variance_cap: npt.ArrayLike = math.inf,
    ) -> GarchParameters:
        """Build parameters whose unconditional per-step volatility is `volatility`.

        `persistence` is ``alpha + beta``: how slowly a volatility shock decays; `variance_cap`
        bounds the conditional variance as a multiple of the unconditional one.
        """
        alphas, persistences = _as_floats(alpha), _as_floats(persistence)
        omega = _as_floats(volatility) ** 2 * (1.0 - persistences)
        return cls(
            omega,
            alphas,
            persistences - alphas,
            _as_floats(degrees_of_freedom),
            _as_floats(variance_cap),
        )

    @property
    def unconditional_variance(self) -> FloatArray:
        """Return the long-run variance per step that the recursion reverts to."""
        return self.omega / (1.0 - self.alpha - self.beta)


@dataclass(frozen=True, slots=True, eq=False)
class GarchPaths:
    """Simulated returns and the conditional volatility each was drawn with."""

    returns: FloatArray
    volatility: FloatArray


def standardised_student_t(
    rng: np.random.Generator, degrees_of_freedom: npt.ArrayLike, shape: tuple[int, ...]
) -> FloatArray:
    """Draw Student-t variates rescaled to unit variance (fat tails, comparable scale)."""
    freedom = _as_floats(degrees_of_freedom)
    draws: FloatArray = rng.standard_t(freedom, size=shape)
    return draws * np.sqrt((freedom - 2.0) / freedom)


def garch_variance(innovations: FloatArray, parameters: GarchParameters) -> FloatArray:
    """Return the conditional variance path driven by standardised `innovations`.

    The first step starts at the unconditional variance and no step exceeds the cap; the loop
    runs over time and is vectorised across paths.
    """
    multipliers = parameters.alpha * innovations**2 + parameters.beta
    long_run = parameters.unconditional_variance
    ceiling = np.broadcast_to(long_run * parameters.variance_cap, innovations.shape[1:])
    variance = np.empty_like(innovations)
    current = np.broadcast_to(long_run, innovations.shape[1:]).copy()
    for step in range(innovations.shape[0]):
        variance[step] = current
        current = np.minimum(parameters.omega + multipliers[step] * current, ceiling)
    return variance


def garch_paths(
    innovations: FloatArray, parameters: GarchParameters, regime: npt.ArrayLike = 1.0
) -> GarchPaths:
    """Scale standardised `innovations` by their GARCH(1,1) conditional volatility.

    An optional `regime` (e.g. from `volatility_regime`) multiplies the volatility, so the
    paths swell and calm with another series; the product still respects the variance cap,
    so two volatility peaks that coincide cannot compound.
    """
    volatility = np.sqrt(garch_variance(innovations, parameters)) * np.asarray(regime)
    ceiling = np.sqrt(parameters.unconditional_variance * parameters.variance_cap)
    volatility = np.minimum(volatility, ceiling)
    return GarchPaths(returns=volatility * innovations, volatility=volatility)


def simulate_garch_t(
    n_steps: int, n_paths: int, parameters: GarchParameters, rng: np.random.Generator
) -> GarchPaths:
    """Simulate GARCH(1,1) returns with standardised Student-t innovations."""
    shape = (n_steps, n_paths)
    innovations = standardised_student_t(rng, parameters.degrees_of_freedom, shape)
    return garch_paths(innovations, parameters)


def volatility_regime(paths: GarchPaths, parameters: GarchParameters) -> FloatArray:
    """Return each step's conditional volatility relative to its long-run level.

    Its square averages one, so scaling another series by it shares the volatility cycle
    without changing that series' long-run variance.
    """
    return paths.volatility / np.sqrt(parameters.unconditional_variance)


def correlate_innovations(innovations: FloatArray, correlation: FloatArray) -> FloatArray:
    """Mix independent unit-variance columns so that they carry `correlation`."""
    return innovations @ np.linalg.cholesky(correlation).T


def combine_factors(
    factor_returns: FloatArray, loadings: FloatArray, idiosyncratic: FloatArray
) -> FloatArray:
    """Return ``factor_returns @ loadings + idiosyncratic``.

    `factor_returns` is (step, factor), `loadings` (factor, path), `idiosyncratic` (step, path).
    """
    return factor_returns @ loadings + idiosyncratic


def combine_factor_variances(
    factor_variance: FloatArray, loadings: FloatArray, idiosyncratic_variance: FloatArray
) -> FloatArray:
    """Return each path's conditional variance, treating the factors as uncorrelated."""
    return factor_variance @ loadings**2 + idiosyncratic_variance


def aggregate_between(values: FloatArray, positions: IntArray) -> FloatArray:
    """Sum rows into the periods ending at each of the sorted row `positions`.

    Period i covers rows ``positions[i-1] + 1 .. positions[i]``; the first covers every row up
    to ``positions[0]``. Summing daily log returns this way yields session-to-session returns.
    """
    cumulative = np.cumsum(values, axis=0)[positions]
    return np.diff(cumulative, axis=0, prepend=np.zeros((1, *values.shape[1:])))


@dataclass(frozen=True, slots=True)
class BarShape:
    """How a close-to-close return unfolds within its bar.

    `gap_share` of the return happens before the open, plus `gap_noise` day-volatilities of
    noise; the high and low reach beyond the open/close body by `range_scale`
    day-volatilities on average.
    """

    gap_share: float
    gap_noise: float
    range_scale: float


@dataclass(frozen=True, slots=True, eq=False)
class OhlcPaths:
    """Open, high, low and close prices, each (step, path)."""

    open: FloatArray
    high: FloatArray
    low: FloatArray
    close: FloatArray


def overnight_gaps(
    returns: FloatArray, volatility: FloatArray, noise: FloatArray, shape: BarShape
) -> FloatArray:
    """Return the log move from the previous close to the open, given standard-normal `noise`."""
    return shape.gap_share * returns + shape.gap_noise * volatility * noise


def deduct_payouts(log_returns: FloatArray, payout_fractions: FloatArray) -> FloatArray:
    """Turn total log returns into price log returns after paying out a fraction of the price.

    A payout of ``q`` times the previous close lowers the price by exactly that amount:
    ``P[t] = P[t-1] * exp(r) - q * P[t-1]``.
    """
    gross = np.exp(log_returns) - payout_fractions
    return np.log(np.maximum(gross, _SMALLEST_GROSS_RETURN))


def ohlc_from_returns(
    close_returns: FloatArray,
    gap_returns: FloatArray,
    excursions: tuple[FloatArray, FloatArray],
    volatility: FloatArray,
    initial_close: FloatArray,
    range_scale: float,
) -> OhlcPaths:
    """Build bars from log returns: closes compound, opens gap from the previous close.

    `excursions` are non-negative unit draws (e.g. standard exponential) for the high and the
    low. Every bar satisfies ``0 < low <= min(open, close) <= max(open, close) <= high``.
    """
    log_close = np.log(initial_close) + np.cumsum(close_returns, axis=0)
    log_previous = np.vstack([np.log(initial_close)[np.newaxis], log_close[:-1]])
    log_open = log_previous + gap_returns
    reach = range_scale * volatility
    log_high = np.maximum(log_open, log_close) + reach * excursions[0]
    log_low = np.minimum(log_open, log_close) - reach * excursions[1]
    return OhlcPaths(np.exp(log_open), np.exp(log_high), np.exp(log_low), np.exp(log_close))


def autoregressive_noise(innovations: FloatArray, persistence: float) -> FloatArray:
    """Return a stationary unit-variance AR(1) series driven by standard-normal `innovations`."""
    noise = np.empty_like(innovations)
    if innovations.shape[0] == 0:
        return noise
    fresh = math.sqrt(1.0 - persistence**2)
    noise[0] = innovations[0]
    for step in range(1, innovations.shape[0]):
        noise[step] = persistence * noise[step - 1] + fresh * innovations[step]
    return noise


def trading_volume(
    base_volume: FloatArray,
    returns: FloatArray,
    volatility: FloatArray,
    noise: FloatArray,
    noise_scale: float,
    sensitivity: float,
) -> FloatArray:
    """Return volumes: a base level, rising with ``|return| / volatility``, with lognormal noise.

    `noise` is unit-variance (autocorrelated, e.g. from `autoregressive_noise`); the lognormal
    and surprise multipliers both average one, so volume averages `base_volume`.
    """
    surprise = np.abs(returns) / np.maximum(volatility, np.finfo(np.float64).tiny)
    activity = (1.0 + sensitivity * surprise) / (1.0 + sensitivity * math.sqrt(2.0 / math.pi))
    lognormal = np.exp(noise_scale * noise - 0.5 * noise_scale**2)
    return base_volume * activity * lognormal
