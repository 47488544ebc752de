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

from dataclasses import dataclass, field
from typing import ClassVar

import numba
import numpy as np
from arch.bootstrap import StationaryBootstrap, optimal_block_length

from tetra.core.errors import ValidationError
from tetra.market import Adjustment, MarketData
from tetra.simulation.models.base import Parameter, correlation_of, mean_correlation, per_symbol
from tetra.simulation.models.history import History, HistoryInfo


@dataclass(frozen=True, eq=False)
class Bootstrap:
    """The history's joint rows and the mean block length to resample them with."""

    model: ClassVar[str] = "bootstrap"
    info: HistoryInfo
    history: History
    block_length: float
    ratios: np.ndarray = field(init=False, repr=False)  # (rows, symbols, 4): see `rebased`

    def __post_init__(self) -> None:
        h = self.history
        stacked = np.stack([h.gap, h.reach_up, h.reach_down, h.move], axis=-1)
        object.__setattr__(self, "ratios", np.ascontiguousarray(np.exp(stacked)))

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
        """Lay the history's `rows` end to end from the last close.

        Each bar is the previous simulated close times the row's ratios (open, high, low,
        close over the previous close), one pass in a numba kernel: a real day's shape,
        so its OHLC ordering holds, and no logarithms or exponentials per bar.
        """
        shape = (len(rows), len(self.info.symbols))
        open_, high, low, close = (np.empty(shape) for _ in range(4))
        _rebase(rows, self.ratios, self.info.last_close, open_, high, low, close)
        return MarketData(
            self.info.future_dates(len(rows)),
            self.info.symbols,
            open_,
            high,
            low,
            close,
            np.ascontiguousarray(self.history.volume[rows]),
            np.ones(shape),
            np.zeros(shape),
            adjustment=Adjustment.TOTAL_RETURN,
        )


@numba.njit(cache=True, nogil=True)
def _rebase(
    rows: np.ndarray,
    ratios: np.ndarray,
    last_close: np.ndarray,
    open_: np.ndarray,
    high: np.ndarray,
    low: np.ndarray,
    close: np.ndarray,
) -> None:  # pragma: no cover - compiled
    previous = last_close.copy()
    for t in range(len(rows)):
        row = ratios[rows[t]]
        for n in range(len(previous)):
            base = previous[n]
            open_[t, n] = base * row[n, 0]
            high[t, n] = base * row[n, 1]
            low[t, n] = base * row[n, 2]
            previous[n] = close[t, n] = base * row[n, 3]


def chosen_block_length(move: np.ndarray) -> float:
    """Return the mean Politis-White stationary-bootstrap block length over the columns."""
    lengths = optimal_block_length(move)["stationary"].to_numpy(dtype=np.float64)
    return float(np.clip(np.nanmean(lengths), 1.0, max(1.0, move.shape[0] / 2)))
