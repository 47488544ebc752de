"""Merton jump diffusion: correlated Brownian moves plus each symbol's Poisson jumps.

Per step a symbol moves ``drift + volatility * z + (sum of N jumps)``, N Poisson with
mean `intensity`, each jump normal with `jump_mean` and `jump_volatility`; z is
correlated across symbols, the jumps are each symbol's own. Calibration is maximum
likelihood per symbol on the log moves (the density is a Poisson mixture of normals,
truncated at `MAX_JUMPS` jumps a step), started from a threshold split: moves beyond
four robust standard deviations are the first guess at jumps. The diffusion's
correlation is measured on the moves clipped at that threshold, so that a few jumps do
not dominate it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy import optimize, special

from tetra.market import MarketData
from tetra.simulation.models.bars import BarProfile, bars
from tetra.simulation.models.base import (
    Parameter,
    correlated_normals,
    correlation_factor,
    correlation_of,
    reported,
)
from tetra.simulation.models.history import History, HistoryInfo

MAX_JUMPS = 6
THRESHOLD = 4.0  # robust standard deviations beyond which a move starts as a jump
_MAD_TO_SIGMA = 1.4826
_COUNTS = np.arange(MAX_JUMPS + 1, dtype=np.float64)
_LOG_FACTORIALS = special.gammaln(_COUNTS + 1.0)


@dataclass(frozen=True, eq=False)
class Merton:
    """A fitted jump diffusion (see the module docstring); every array is per symbol."""

    model: ClassVar[str] = "merton"
    info: HistoryInfo
    drift: np.ndarray
    volatility: np.ndarray
    intensity: np.ndarray
    jump_mean: np.ndarray
    jump_volatility: np.ndarray
    correlation: np.ndarray
    profile: BarProfile

    @classmethod
    def fit(cls, history: History) -> Merton:
        """Fit each symbol by maximum likelihood; correlate the clipped moves."""
        fits = np.array([fit_jump_diffusion(column) for column in history.move.T]).T
        robust = _robust_sigma(history.move)
        centre = np.median(history.move, axis=0)
        limit = THRESHOLD * robust
        clipped = np.clip(history.move, centre - limit, centre + limit)
        return cls(
            history.info,
            drift=fits[0],
            volatility=fits[1],
            intensity=fits[2],
            jump_mean=fits[3],
            jump_volatility=fits[4],
            correlation=correlation_of(clipped),
            profile=BarProfile.fit(history),
        )

    def parameters(self) -> list[Parameter]:
        per_year = self.info.periods_per_year
        named = {
            "drift": self.drift,
            "volatility": self.volatility,
            "intensity": self.intensity,
            "jump_mean": self.jump_mean,
            "jump_volatility": self.jump_volatility,
            "jumps_per_year": self.intensity * per_year,
        }
        return reported(self.info.symbols, named, self.correlation)

    def simulate(self, bars_count: int, rng: np.random.Generator) -> MarketData:
        factor = correlation_factor(self.correlation)
        diffusion = self.drift + self.volatility * correlated_normals(rng, bars_count, factor)
        counts = rng.poisson(self.intensity, size=diffusion.shape)
        jumps = self.jump_mean * counts + self.jump_volatility * np.sqrt(
            counts
        ) * rng.standard_normal(diffusion.shape)
        return bars(self.info, self.profile, diffusion + jumps, self.volatility, rng)


def fit_jump_diffusion(move: np.ndarray) -> tuple[float, float, float, float, float]:
    """Return (drift, volatility, intensity, jump mean, jump volatility) of one series."""
    start = np.array(_threshold_start(move))
    scale = max(float(start[1]), 1e-8)  # fit in units of the diffusion's volatility
    units = np.array([scale, scale, 1.0, scale, scale])
    bounds = [(None, None), (1e-3, None), (1e-6, 0.5), (None, None), (1e-3, None)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        found = optimize.minimize(
            _negative_likelihood,
            start / units,
            args=(move / scale,),
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
        )
    drift, volatility, intensity, jump_mean, jump_volatility = found.x * units
    return (
        float(drift),
        float(volatility),
        float(intensity),
        float(jump_mean),
        float(jump_volatility),
    )


def jump_log_likelihood(
    move: np.ndarray,
    drift: float,
    volatility: float,
    intensity: float,
    jump_mean: float,
    jump_volatility: float,
) -> np.ndarray:
    """Return the log density of each move under the jump diffusion (up to `MAX_JUMPS`)."""
    theta = np.array([drift, volatility, intensity, jump_mean, jump_volatility])
    density: np.ndarray = special.logsumexp(_components(theta, move)[0], axis=0)
    return density


def _components(theta: np.ndarray, move: np.ndarray) -> tuple[np.ndarray, ...]:
    """Return the log weight-times-density of k jumps per move, with the pieces reused."""
    drift, volatility, intensity, jump_mean, jump_volatility = theta
    counts = _COUNTS[:, np.newaxis]
    variances = volatility**2 + counts * jump_volatility**2
    weights = counts * np.log(intensity) - intensity - _LOG_FACTORIALS[:, np.newaxis]
    deviations = move - (drift + counts * jump_mean)
    components = weights - 0.5 * (np.log(2.0 * np.pi * variances) + deviations**2 / variances)
    return components, variances, deviations


def _negative_likelihood(theta: np.ndarray, move: np.ndarray) -> tuple[float, np.ndarray]:
    """Return minus the log likelihood and its analytic gradient in `theta`."""
    components, variances, deviations = _components(theta, move)
    total = special.logsumexp(components, axis=0)
    share = np.exp(components - total)  # posterior probability of k jumps per move
    counts = _COUNTS[:, np.newaxis]
    slope = deviations / variances
    curvature = 0.5 * (slope**2 - 1.0 / variances)
    gradient = np.array(
        [
            (share * slope).sum(),
            (share * curvature * 2.0 * theta[1]).sum(),
            (share * (counts / theta[2] - 1.0)).sum(),
            (share * slope * counts).sum(),
            (share * curvature * 2.0 * counts * theta[4]).sum(),
        ]
    )
    return -float(total.sum()), -gradient


def _threshold_start(move: np.ndarray) -> tuple[float, float, float, float, float]:
    """A first guess: moves beyond the threshold are jumps, the rest diffusion."""
    centre = float(np.median(move))
    sigma = float(_robust_sigma(move[:, np.newaxis])[0])
    jumps = np.abs(move - centre) > THRESHOLD * sigma
    calm = move[~jumps]
    intensity = float(np.clip(jumps.mean(), 1e-3, 0.2))
    big = move[jumps] - centre
    jump_mean = float(big.mean()) if big.size else 0.0
    jump_volatility = float(big.std()) if big.size > 1 else 3.0 * sigma
    return (
        float(calm.mean()),
        float(max(calm.std(), 1e-8)),
        intensity,
        jump_mean,
        max(jump_volatility, sigma),
    )


def _robust_sigma(move: np.ndarray) -> np.ndarray:
    deviation = np.median(np.abs(move - np.median(move, axis=0)), axis=0)
    sigma: np.ndarray = np.maximum(deviation * _MAD_TO_SIGMA, 1e-12)
    return sigma
