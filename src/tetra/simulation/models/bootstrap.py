"""Stationary block bootstrap of the joint daily bar, with `arch.bootstrap`.

A path is made of whole historical days: blocks of consecutive rows (geometric lengths
with mean `block_length`, the Politis-Romano stationary bootstrap of
`arch.bootstrap.StationaryBootstrap`) are drawn with replacement and laid end to end.
Each row carries every symbol at once, so the cross-asset correlation survives, and the
blocks keep volatility clusters. A row is the day's bar relative to the previous close
(gap, high, low, close) plus its volume, so a resampled day is a real day's shape
rebased on the simulated previous close. `block_length` defaults to the mean over the
symbols of `arch.bootstrap.optimal_block_length` (Politis-White) for the stationary
bootstrap. A path longer than the history chains independent draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from arch.bootstrap import StationaryBootstrap, optimal_block_length

from tetra.backtest.market import Adjustment, MarketData
from tetra.core.errors import ValidationError
from tetra.simulation.models.base import Parameter, correlation_of, mean_correlation, per_symbol
from tetra.simulation.models.history import History, HistoryInfo


@dataclass(frozen=True, eq=False)
class Bootstrap:
    """The history's joint rows and the mean block length to resample them with."""

    model: ClassVar[str] = "bootstrap"
    info: HistoryInfo
    history: History
    block_length: float

    @classmethod
    def fit(cls, history: History, block_length: float | None = None) -> Bootstrap:
        """Keep the rows; choose the block length (Politis-White) unless one is given."""
        if block_length is None:
            block_length = chosen_block_length(history.move)
        if not 1.0 <= block_length <= history.shape[0]:
            raise ValidationError(
                f"block length {block_length} must be between 1 and the "
                f"{history.shape[0]} rows of the history"
            )
        return cls(history.info, history, float(block_length))

    def parameters(self) -> list[Parameter]:
        move = self.history.move
        per_year = self.info.periods_per_year
        named = {
            "annual_drift": move.mean(axis=0) * per_year,
            "annual_volatility": move.std(axis=0, ddof=1) * np.sqrt(per_year),
        }
        found = list(per_symbol(self.info.symbols, named))
        found.append(Parameter("*", "block_length", self.block_length))
        found.append(Parameter("*", "rows", float(move.shape[0])))
        found.append(Parameter("*", "mean_correlation", mean_correlation(correlation_of(move))))
        return found

    def indices(self, bars_count: int, rng: np.random.Generator) -> np.ndarray:
        """Return `bars_count` resampled row numbers drawn from `rng`."""
        rows = self.history.shape[0]
        # arch types the block size as int, but reads it as a mean: 1 / block is the
        # probability of a new block, and a fractional mean is what Politis-White gives
        sampler = StationaryBootstrap(self.block_length, np.arange(rows), seed=rng)  # type: ignore[arg-type]
        draws = [sampler.update_indices() for _ in range(-(-bars_count // rows))]
        return np.concatenate(draws)[:bars_count]

    def simulate(self, bars_count: int, rng: np.random.Generator) -> MarketData:
        return self.rebased(self.indices(bars_count, rng))

    def rebased(self, rows: np.ndarray) -> MarketData:
        """Lay the history's `rows` end to end from the last close."""
        h = self.history
        log_close = np.log(self.info.last_close) + np.cumsum(h.move[rows], axis=0)
        previous = np.vstack([np.log(self.info.last_close), log_close[:-1]])
        ones = np.ones(log_close.shape)
        return MarketData(
            self.info.future_dates(len(rows)),
            self.info.symbols,
            np.exp(previous + h.gap[rows]),
            np.exp(previous + h.reach_up[rows]),
            np.exp(previous + h.reach_down[rows]),
            np.exp(log_close),
            h.volume[rows],
            ones,
            np.zeros(log_close.shape),
            adjustment=Adjustment.TOTAL_RETURN,
        )


def chosen_block_length(move: np.ndarray) -> float:
    """Return the mean Politis-White stationary-bootstrap block length over the columns."""
    lengths = optimal_block_length(move)["stationary"].to_numpy(dtype=np.float64)
    return float(np.clip(np.nanmean(lengths), 1.0, max(1.0, move.shape[0] / 2)))
