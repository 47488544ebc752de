"""GARCH(1,1) with Student-t shocks per symbol (fitted with `arch`), joined by a copula.

Each symbol's log move is ``mu + sigma_t * e_t`` with
``sigma_t^2 = omega + alpha * (r_{t-1} - mu)^2 + beta * sigma_{t-1}^2`` and e_t a
unit-variance Student-t with `nu` degrees of freedom. The symbols' shocks are joined by
a Gaussian copula whose correlation is that of the fitted standardised residuals:
correlated normals are mapped to uniforms and then to each symbol's own t quantiles, so
every marginal keeps its fitted tails. Paths start from today's conditional variance
(the one-step forecast at the end of the history), so a calm or a stressed present
carries into the simulation. Moves are fitted in percent (arch's advice for scaling) and
reported per unit.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from arch import arch_model
from scipy import special

from tetra.core.errors import ValidationError
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

PERCENT = 100.0
MAX_PERSISTENCE = 0.999  # alpha + beta is held below 1 so the variance stays finite


@dataclass(frozen=True, eq=False)
class Garch:
    """A fitted GARCH(1,1)-t per symbol, each array per symbol, and the copula."""

    model: ClassVar[str] = "garch"
    info: HistoryInfo
    mu: np.ndarray
    omega: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    nu: np.ndarray
    start_variance: np.ndarray
    converged: np.ndarray
    correlation: np.ndarray
    profile: BarProfile

    @classmethod
    def fit(cls, history: History) -> Garch:
        """Fit every symbol with `arch`, then correlate the standardised residuals."""
        fits = [_fit_one(symbol, column) for symbol, column in zip(
            history.symbols, history.move.T, strict=True
        )]  # fmt: skip
        residuals = np.column_stack([f.residual for f in fits])
        rows = np.isfinite(residuals).all(axis=1)
        mu, omega, alpha, beta, nu, start, converged = np.array([f.numbers for f in fits]).T
        return cls(
            history.info,
            mu=mu,
            omega=omega,
            alpha=alpha,
            beta=beta,
            nu=nu,
            start_variance=start,
            converged=converged,
            correlation=correlation_of(residuals[rows]),
            profile=BarProfile.fit(history),
        )

    @property
    def unconditional_variance(self) -> np.ndarray:
        variance: np.ndarray = self.omega / (1.0 - self.alpha - self.beta)
        return variance

    def parameters(self) -> list[Parameter]:
        per_year = self.info.periods_per_year
        named = {
            "mu": self.mu,
            "omega": self.omega,
            "alpha": self.alpha,
            "beta": self.beta,
            "nu": self.nu,
            "persistence": self.alpha + self.beta,
            "annual_volatility": np.sqrt(self.unconditional_variance * per_year),
            "current_annual_volatility": np.sqrt(self.start_variance * per_year),
            "converged": self.converged,
        }
        return reported(self.info.symbols, named, self.correlation)

    def simulate(self, bars_count: int, rng: np.random.Generator) -> MarketData:
        normals = correlated_normals(rng, bars_count, correlation_factor(self.correlation))
        shocks = student_t_from_normals(normals, self.nu)
        moves, volatility = self.recursion(shocks)
        return bars(self.info, self.profile, moves, volatility, rng)

    def recursion(self, shocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the moves and their conditional volatility driven by unit `shocks`."""
        variance = np.empty_like(shocks)
        current = self.start_variance.copy()
        for step in range(shocks.shape[0]):
            variance[step] = current
            current = self.omega + (self.alpha * shocks[step] ** 2 + self.beta) * current
        volatility = np.sqrt(variance)
        return self.mu + volatility * shocks, volatility


def student_t_from_normals(normals: np.ndarray, nu: np.ndarray) -> np.ndarray:
    """Map standard normals to unit-variance Student-t quantiles, column by column."""
    uniforms = np.clip(special.ndtr(normals), 1e-16, 1.0 - 1e-16)
    quantiles: np.ndarray = special.stdtrit(nu, uniforms) * np.sqrt((nu - 2.0) / nu)
    return quantiles


@dataclass(frozen=True)
class _Fit:
    numbers: tuple[float, ...]  # mu, omega, alpha, beta, nu, start variance, converged
    residual: np.ndarray


def _fit_one(symbol: str, move: np.ndarray) -> _Fit:
    if not np.std(move) > 0:
        raise ValidationError(f"{symbol} never moves in this window: GARCH cannot be fitted")
    model = arch_model(move * PERCENT, mean="Constant", vol="GARCH", p=1, q=1, dist="t")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence is reported as a parameter instead
        result = model.fit(disp="off", show_warning=False)
        forecast = result.forecast(horizon=1, reindex=False).variance.to_numpy()[-1, 0]
    p = result.params
    alpha, beta = float(p["alpha[1]"]), float(p["beta[1]"])
    if alpha + beta > MAX_PERSISTENCE:
        beta = MAX_PERSISTENCE - alpha
    scale2 = PERCENT**2
    numbers = (
        float(p["mu"]) / PERCENT,
        float(p["omega"]) / scale2,
        alpha,
        beta,
        float(p["nu"]),
        float(forecast) / scale2,
        float(result.convergence_flag == 0),
    )
    return _Fit(numbers, np.asarray(result.std_resid, dtype=np.float64))
