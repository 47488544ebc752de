"""Regime switching: calm and stress states with their own means, volatilities, correlations.

Calibration fits a Gaussian hidden Markov model (`hmmlearn`, 2 or 3 states) to the
equal-weighted market move of the panel, which is where regimes show; states are
ordered by that move's volatility (0 = calmest). Each state's mean vector and full
covariance of every symbol's moves are then the moments of the history weighted by the
state's smoothed probabilities, so a state carries its own correlations. A path runs the
fitted Markov chain from today's most likely state and draws each step's moves from the
current state's normal distribution. `occupancy` (time share per state in the history)
and `stationary` (the chain's long-run shares) are reported; long paths spend the
stationary share in each state.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from hmmlearn.hmm import GaussianHMM

from tetra.core.errors import ValidationError
from tetra.market import MarketData
from tetra.simulation.models.bars import BarProfile, bars
from tetra.simulation.models.base import Parameter, covariance_factor, per_symbol
from tetra.simulation.models.history import History, HistoryInfo

STATES = (2, 3)
FIT_SEED = 0  # hmmlearn's k-means start: fixed, so calibration is deterministic
PERCENT = 100.0


@dataclass(frozen=True, eq=False)
class Regimes:
    """A fitted regime model: per state a mean vector and a covariance, and the chain."""

    model: ClassVar[str] = "regime"
    info: HistoryInfo
    means: np.ndarray  # (states, symbols)
    covariances: np.ndarray  # (states, symbols, symbols)
    transition: np.ndarray  # (states, states), rows sum to 1
    occupancy: np.ndarray  # smoothed share of the history in each state
    start_state: int
    profile: BarProfile

    @classmethod
    def fit(cls, history: History, states: int = 2) -> Regimes:
        """Fit the chain on the market move, then each state's moments on every symbol."""
        if states not in STATES:
            raise ValidationError(f"a regime model has 2 or 3 states, not {states}")
        market = history.move.mean(axis=1, keepdims=True) * PERCENT
        hmm = GaussianHMM(states, covariance_type="diag", n_iter=200, random_state=FIT_SEED)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            hmm.fit(market)
            posterior = hmm.predict_proba(market)
        order = np.argsort(np.sqrt(hmm.covars_.reshape(states)))
        posterior = posterior[:, order]
        means, covariances = _weighted_moments(history.move, posterior)
        return cls(
            history.info,
            means,
            covariances,
            hmm.transmat_[np.ix_(order, order)],
            posterior.mean(axis=0),
            int(posterior[-1].argmax()),
            BarProfile.fit(history),
        )

    @property
    def states(self) -> int:
        return len(self.means)

    @property
    def stationary(self) -> np.ndarray:
        """Return the chain's long-run share of time in each state."""
        values, vectors = np.linalg.eig(self.transition.T)
        vector = np.real(vectors[:, np.argmin(np.abs(values - 1.0))])
        shares: np.ndarray = vector / vector.sum()
        return shares

    def parameters(self) -> list[Parameter]:
        per_year = self.info.periods_per_year
        found: list[Parameter] = []
        for state in range(self.states):
            volatility = np.sqrt(np.diag(self.covariances[state]) * per_year)
            named = {
                f"state{state}_annual_drift": self.means[state] * per_year,
                f"state{state}_annual_volatility": volatility,
            }
            found += per_symbol(self.info.symbols, named)
            found.append(Parameter("*", f"state{state}_occupancy", float(self.occupancy[state])))
            found.append(Parameter("*", f"state{state}_stationary", float(self.stationary[state])))
            for target in range(self.states):
                value = float(self.transition[state, target])
                found.append(Parameter("*", f"transition_{state}_{target}", value))
        found.append(Parameter("*", "start_state", float(self.start_state)))
        return found

    def chain(self, steps: int, rng: np.random.Generator) -> np.ndarray:
        """Return `steps` states of the Markov chain started after `start_state`."""
        cumulative = np.cumsum(self.transition, axis=1)
        draws = rng.random(steps)
        path = np.empty(steps, dtype=np.int64)
        state = self.start_state
        for step in range(steps):
            state = min(int(np.searchsorted(cumulative[state], draws[step], side="right")),
                        self.states - 1)  # fmt: skip
            path[step] = state
        return path

    def simulate(self, bars_count: int, rng: np.random.Generator) -> MarketData:
        path = self.chain(bars_count, rng)
        normals = rng.standard_normal((bars_count, len(self.info.symbols)))
        moves = np.empty_like(normals)
        volatility = np.empty_like(normals)
        for state in range(self.states):
            rows = path == state
            factor = covariance_factor(self.covariances[state])
            moves[rows] = self.means[state] + normals[rows] @ factor.T
            volatility[rows] = np.sqrt(np.diag(self.covariances[state]))
        return bars(self.info, self.profile, moves, volatility, rng)


def _weighted_moments(move: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return each state's weighted mean vector and covariance matrix of `move`."""
    totals = np.maximum(weights.sum(axis=0), 1e-12)
    means = (weights.T @ move) / totals[:, np.newaxis]
    covariances = np.empty((weights.shape[1], move.shape[1], move.shape[1]))
    for state in range(weights.shape[1]):
        centred = move - means[state]
        covariances[state] = (centred * weights[:, [state]]).T @ centred / totals[state]
    return means, covariances
