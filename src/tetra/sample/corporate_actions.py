"""Corporate actions of the sample universe: choosing splits and dividends, and their rows.

Map of the module:
- `choose_splits` runs once returns exist: strong performers split forward, the weakest growth
  stock splits in reverse at its low.
- `payout_fractions` places dividends on a per-symbol monthly or quarterly calendar.
- `split_factors` turns splits into the ratios that take split-adjusted prices to raw ones.
- `action_rows` lists the dividends, then the splits, as output rows coded by `ACTIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tetra.sample.blocks import Block, Rows
from tetra.sample.members import DateArray, Member, keyed_rng
from tetra.sample.profiles import BOND_ETF, GROWTH_STOCK
from tetra.simulation.stochastic import FloatArray, IntArray

ACTIONS = ("dividend", "split")  # in the order action_rows lists them

_MIN_SPLIT_HISTORY = 120
_SPLITS_PER_INSTRUMENT, _MAX_FORWARD_SPLITS = 1 / 25, 6
_FORWARD_SPLITS = ((1.0, 2.0), (1.0, 3.0), (1.0, 4.0), (1.0, 10.0))
_FORWARD_SPLIT_ODDS = (0.4, 0.2, 0.25, 0.15)
_REVERSE_SPLIT = (10.0, 1.0)


@dataclass(frozen=True, slots=True)
class BlockSplit:
    """A split of a block's column, effective from its row (the ex-date)."""

    column: int
    row: int
    split_from: float
    split_to: float


def choose_splits(block: Block, seed: int) -> list[BlockSplit]:
    """Split the strong performers forward and the weakest growth stock in reverse."""
    rng = keyed_rng(seed, "splits")
    history, growth = block.valid.sum(axis=0), block.returns.sum(axis=0)
    eligible = [
        c
        for c, m in enumerate(block.members)
        if history[c] >= _MIN_SPLIT_HISTORY and m.profile is not BOND_ETF
    ]
    forward = _forward_splits(rng, block, sorted(eligible, key=lambda c: (-growth[c], c)))
    taken = {split.column for split in forward}
    laggards = [c for c in eligible if c not in taken and block.members[c].profile is GROWTH_STOCK]
    if not laggards:
        return forward
    return [*forward, _reverse_split(block, min(laggards, key=lambda c: (growth[c], c)))]


def _forward_splits(rng: np.random.Generator, block: Block, ranked: list[int]) -> list[BlockSplit]:
    wanted = round(len(ranked) * _SPLITS_PER_INSTRUMENT)
    count = min(_MAX_FORWARD_SPLITS, max(1, wanted)) if ranked else 0
    candidates = ranked[: 2 * count]
    splits = []
    for pick in sorted(rng.choice(len(candidates), size=count, replace=False).tolist()):
        column = candidates[pick]
        first, n_rows = block.first_row(column), len(block.dates)
        row = int(rng.integers(first + 2 * (n_rows - first) // 5, n_rows - 5))
        ratio = _FORWARD_SPLITS[int(rng.choice(len(_FORWARD_SPLITS), p=_FORWARD_SPLIT_ODDS))]
        splits.append(BlockSplit(column, row, *ratio))
    return splits


def _reverse_split(block: Block, column: int) -> BlockSplit:
    """Consolidate the shares the session after the stock's lowest close."""
    first, n_rows = block.first_row(column) + 20, len(block.dates) - 21
    closes = np.cumsum(block.returns[:, column])
    low = first + int(np.argmin(closes[first:n_rows]))
    return BlockSplit(column, low + 1, *_REVERSE_SPLIT)


def _dividend_rows(member: Member, dates: DateArray) -> IntArray:
    """Return the rows of the member's ex-dividend days: its payment months, on its day."""
    step = 12 // member.profile.payments_per_year
    first_year, last_year = dates[[0, -1]].astype("datetime64[Y]").astype(np.int64)
    years = np.arange(first_year, last_year + 1)
    months = np.arange(member.traits.dividend_month, 12, step)
    month_index = (years[:, np.newaxis] * 12 + months[np.newaxis, :]).ravel()
    targets = month_index.astype("datetime64[M]").astype("datetime64[D]")
    targets = targets + np.timedelta64(member.traits.dividend_day - 1, "D")
    return np.unique(np.searchsorted(dates, targets[targets <= dates[-1]]))


def payout_fractions(block: Block, splits: list[BlockSplit]) -> FloatArray:
    """Return the fraction of the previous close paid out on each (ex-date row, column)."""
    payouts = np.zeros_like(block.returns)
    for column, member in enumerate(block.members):
        if member.traits.dividend_yield > 0:
            rows = _dividend_rows(member, block.dates)
            rows = rows[(rows > block.first_row(column)) & block.valid[rows, column]]
            payouts[rows, column] = member.traits.dividend_yield / member.profile.payments_per_year
    for split in splits:
        payouts[split.row, split.column] = 0.0
    return payouts


def split_factors(block: Block, splits: list[BlockSplit]) -> FloatArray:
    """Return, per bar, the product of the ratios of the splits still ahead of it."""
    factors = np.ones_like(block.returns)
    for split in splits:
        factors[: split.row, split.column] *= split.split_to / split.split_from
    return factors


def action_rows(
    block: Block, splits: list[BlockSplit], payouts: FloatArray, raw_close: FloatArray
) -> Rows:
    """Return the block's dividend rows, then its split rows, with cash paid per raw share."""
    columns, rows = np.nonzero(payouts.T)
    split_columns = np.array([s.column for s in splits], dtype=np.intp)
    split_rows = np.array([s.row for s in splits], dtype=np.intp)
    nothing = np.full(len(rows), np.nan)
    return {
        "rank": np.concatenate([block.ranks[columns], block.ranks[split_columns]]),
        "day": np.concatenate([block.dates[rows], block.dates[split_rows]]),
        "action": np.repeat(np.arange(len(ACTIONS)), [len(rows), len(splits)]),
        "split_from": np.concatenate([nothing, [s.split_from for s in splits]]),
        "split_to": np.concatenate([nothing, [s.split_to for s in splits]]),
        "cash_amount": np.concatenate(
            [payouts[rows, columns] * raw_close[rows - 1, columns], np.full(len(splits), np.nan)]
        ),
    }
