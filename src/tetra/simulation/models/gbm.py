"""Geometric Brownian motion, jointly correlated across symbols.

Each symbol's log move is ``drift + volatility * z`` with z standard normal and the
symbols' z correlated like their historical log moves. `drift` is the mean log move
per step (so the median path grows by it), `volatility` the standard deviation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

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


@dataclass(frozen=True, eq=False)
class Gbm:
    """A fitted GBM: per-symbol drift and volatility per step, and the correlation."""

    model: ClassVar[str] = "gbm"
    info: HistoryInfo
    drift: np.ndarray
    volatility: np.ndarray
    correlation: np.ndarray
    profile: BarProfile

    @classmethod
    def fit(cls, history: History) -> Gbm:
        """Estimate drift, volatility and correlation from the history's log moves."""
        move = history.move
        return cls(
            history.info,
            move.mean(axis=0),
            move.std(axis=0, ddof=1),
            correlation_of(move),
            BarProfile.fit(history),
        )

    def parameters(self) -> list[Parameter]:
        per_year = self.info.periods_per_year
        named = {
            "drift": self.drift,
            "volatility": self.volatility,
            "annual_drift": self.drift * per_year,
            "annual_volatility": self.volatility * np.sqrt(per_year),
        }
        return reported(self.info.symbols, named, self.correlation)

    def simulate(self, bars_count: int, rng: np.random.Generator) -> MarketData:
        factor = correlation_factor(self.correlation)
        moves = self.drift + self.volatility * correlated_normals(rng, bars_count, factor)
        return bars(self.info, self.profile, moves, self.volatility, rng)
