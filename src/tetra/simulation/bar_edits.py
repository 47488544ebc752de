"""Editing bars in log moves relative to the previous close, so that edits compose.

`BarEdit.of(market)` rewrites each bar as four log moves from the previous traded close
(open, high, low, close; a symbol's first bar is measured from its own open) plus its
volume. Edits shift or scale those moves; `market()` applies the change of the moves to
the original prices, so a bar no edit reached comes back bit for bit.
A shift of one bar therefore moves every later bar with it (a gap is permanent), and
any edit that keeps ``low <= open, close <= high`` in the moves keeps it in the prices.
Rows without a bar stay without one: their moves are NaN and count as zero.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from tetra.core.errors import ValidationError
from tetra.market import MarketData

PRICES = ("open", "high", "low", "close")
GAP_SHARE = 0.5  # the part of a crash day's move that happens before the open


@dataclass(eq=False)
class BarEdit:
    """Mutable log moves of a panel under edit (see the module docstring)."""

    source: MarketData
    original: dict[str, np.ndarray]  # the moves as they came
    moves: dict[str, np.ndarray]  # open/high/low/close: (T, N) log moves, under edit
    volume: np.ndarray

    @classmethod
    def of(cls, market: MarketData) -> BarEdit:
        """Take `market` apart into moves relative to each previous traded close."""
        logs = {f: np.log(getattr(market, f)) for f in PRICES}
        traded = np.isfinite(logs["close"])
        filled = forward_filled(logs["close"])
        previous = np.vstack([np.full((1, market.shape[1]), np.nan), filled[:-1]])
        previous = np.where(np.isnan(previous), logs["open"], previous)
        moves = {f: np.where(traded, logs[f] - previous, np.nan) for f in PRICES}
        original = {f: m.copy() for f, m in moves.items()}
        return cls(market, original, moves, market.volume.astype(np.float64).copy())

    def market(self) -> MarketData:
        """Return a new `MarketData`: original prices moved by the change of the moves."""
        change = np.nan_to_num(self.moves["close"]) - np.nan_to_num(self.original["close"])
        shift = np.cumsum(change, axis=0)
        before = np.vstack([np.zeros((1, shift.shape[1])), shift[:-1]])
        prices = {
            f: getattr(self.source, f) * np.exp(before + self.moves[f] - self.original[f])
            for f in PRICES
        }
        return replace(self.source, volume=self.volume, **prices)

    def next_traded(self, row: int, column: int) -> int:
        """Return the first row at or after `row` where `column` has a bar."""
        later = np.flatnonzero(np.isfinite(self.moves["close"][row:, column]))
        if later.size == 0:
            symbol = self.source.symbols[column]
            raise ValidationError(f"{symbol} has no bar at or after bar {row} to shock")
        return row + int(later[0])

    def shift_bar(self, row: int, column: int, move: float, gap_share: float = 1.0) -> None:
        """Move one bar by `move` in logs, `gap_share` of it before the open."""
        self.shift(np.array([row]), np.array([column]), np.array([[move]]), gap_share)

    def shift(
        self, rows: np.ndarray, columns: np.ndarray, move: np.ndarray, gap_share: float
    ) -> None:
        """Add `move` (rows x columns) to the close moves; open, high, low follow."""
        cut = np.ix_(rows, columns)
        opening = gap_share * move
        self.moves["open"][cut] += opening
        self.moves["close"][cut] += move
        self.moves["high"][cut] += np.maximum(opening, move)  # at least the open and close move
        self.moves["low"][cut] += np.minimum(opening, move)

    def crash(
        self, rows: np.ndarray, columns: list[int], drift: np.ndarray, comovement: float
    ) -> None:
        """Pull each row's moves towards their mean by `comovement`, then add `drift`."""
        cut = np.ix_(rows, np.array(columns))
        close = self.moves["close"][cut]
        with np.errstate(invalid="ignore"):
            common = np.nanmean(close, axis=1, keepdims=True) if close.size else close
        pulled = (1.0 - comovement) * close + comovement * common
        change = np.nan_to_num(pulled - close) + drift
        self.shift(rows, np.array(columns), change, GAP_SHARE)

    def scale_moves(self, rows: np.ndarray, columns: list[int], multiplier: float) -> None:
        """Multiply the moves around each symbol's mean close move by `multiplier`."""
        centre = np.nanmean(self.moves["close"][:, columns], axis=0)
        cut = np.ix_(rows, np.array(columns))
        for name in PRICES:
            self.moves[name][cut] = multiplier * self.moves[name][cut] - (multiplier - 1) * centre

    def halt(self, rows: np.ndarray, column: int) -> None:
        """Remove `column`'s bars on `rows`; the next bar opens with the move made meanwhile."""
        carried = float(np.nansum(self.moves["close"][rows, column]))
        for name in PRICES:
            self.moves[name][rows, column] = np.nan
        self.volume[rows, column] = 0.0
        after = rows[-1] + 1 if len(rows) else self.volume.shape[0]
        later = np.flatnonzero(np.isfinite(self.moves["close"][after:, column]))
        if later.size:
            self.shift_bar(after + int(later[0]), column, carried)


def forward_filled(values: np.ndarray) -> np.ndarray:
    """Return `values` with each NaN replaced by the last finite value above it."""
    rows = np.where(np.isfinite(values), np.arange(len(values))[:, np.newaxis], 0)
    np.maximum.accumulate(rows, axis=0, out=rows)
    filled: np.ndarray = values[rows, np.arange(values.shape[1])]
    return filled
