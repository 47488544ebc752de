"""Blocks of the sample universe: the members that share a calendar, on that calendar.

Daily returns are simulated on every calendar day; `calendar_block` moves the members of one
calendar (exchange sessions or round-the-clock) onto its own rows, adds their drift and masks
the days before each listing. `Rows` is the column-array form in which blocks hand back output.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tetra.model.instruments import Instrument
from tetra.sample.members import DateArray, Member, Window, periods_per_year
from tetra.simulation.stochastic import BarShape, FloatArray, IntArray, aggregate_between

BoolArray = npt.NDArray[np.bool_]
Rows = dict[str, npt.NDArray[np.generic]]

EXCHANGE_BARS = BarShape(gap_share=0.25, gap_noise=0.15, range_scale=0.5)
ROUND_THE_CLOCK_BARS = BarShape(gap_share=0.0, gap_noise=0.0, range_scale=0.6)


@dataclass(frozen=True, slots=True, eq=False)
class Block:
    """Instruments sharing a calendar, as (row, column) arrays on that calendar."""

    members: list[Member]
    ranks: IntArray  # each column's position in symbol order
    dates: DateArray
    valid: BoolArray  # on or after the listing
    returns: FloatArray  # total log returns, drift included, zero before the listing
    volatility: FloatArray
    bar_shape: BarShape

    def first_row(self, column: int) -> int:
        """Return the row of the column's first bar."""
        return int(np.argmax(self.valid[:, column]))


def calendar_block(
    members: list[Member],
    returns: FloatArray,
    variance: FloatArray,
    window: Window,
    every_day: bool,
) -> Block:
    """Move the members trading on one calendar from calendar days onto that calendar."""
    columns = np.array(
        [c for c, m in enumerate(members) if m.instrument.trades_every_day is every_day],
        dtype=np.intp,
    )
    chosen = [members[c] for c in columns]
    rows = np.arange(len(window.days)) if every_day else window.session_rows
    dates = window.days[rows]
    listed = np.array([_listing_day(m.instrument, window) for m in chosen], dtype="datetime64[D]")
    valid = dates[:, np.newaxis] >= listed[np.newaxis, :]
    block_returns = aggregate_between(returns[:, columns], rows)
    block_variance = aggregate_between(variance[:, columns], rows)
    drift = np.array([m.traits.drift for m in chosen]) / periods_per_year(every_day)
    shape = ROUND_THE_CLOCK_BARS if every_day else EXCHANGE_BARS
    total = np.where(valid, block_returns + drift, 0.0)
    return Block(chosen, columns, dates, valid, total, np.sqrt(block_variance), shape)


def _listing_day(instrument: Instrument, window: Window) -> np.datetime64:
    first_day: np.datetime64 = window.days[0]
    if instrument.listed is None:
        return first_day
    return max(first_day, np.datetime64(instrument.listed, "D"))
