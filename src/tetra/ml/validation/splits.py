"""Train/test splits over decision days that never train on what the test can see.

Every sample (a decision day) has a label interval ``[start, end]`` in day numbers: it is
decided on `start` and its label is known on `end`. For a test block of contiguous days,
the test's span runs from its first start to its last end plus the `embargo`; a training day
is *purged* when its interval overlaps that span (``start <= span_end`` and
``end >= span_start``). So no training label runs into a test label, and no training
feature was computed while a test label was still running, for `embargo` days after it.

- `walk_forward`: anchored (every train window starts at day 0) or rolling (a fixed-length
  window), test windows following each other;
- `combinatorial_purged`: the days cut into `groups` contiguous groups; every choice of
  `test_groups` of them is one split; each group is tested in several splits, and the splits
  line up into ``C(groups - 1, test_groups - 1)`` full backtest paths (`paths`).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from math import comb

import numpy as np

from tetra.core.errors import ValidationError


@dataclass(frozen=True)
class Split:
    """Day numbers to train on and to test on; `groups` are the test groups (CPCV only)."""

    number: int
    train: np.ndarray
    test: np.ndarray
    groups: tuple[int, ...] = ()


def purge(
    train: np.ndarray, test: np.ndarray, starts: np.ndarray, ends: np.ndarray, embargo: int = 0
) -> np.ndarray:
    """Return `train` without the days whose label intervals overlap a test block's span."""
    keep = np.ones(len(train), dtype=bool)
    for block in _blocks(np.sort(test)):
        span_start = starts[block].min()
        span_end = ends[block].max() + embargo
        keep &= ~((starts[train] <= span_end) & (ends[train] >= span_start))
    return train[keep]


def walk_forward(
    starts: np.ndarray,
    ends: np.ndarray,
    *,
    train: int,
    test: int,
    anchored: bool = True,
    embargo: int = 0,
) -> list[Split]:
    """Split days into consecutive test windows, each trained on the purged days before it."""
    days = len(starts)
    if train < 2 or test < 1:
        raise ValidationError("walk-forward needs a train window of 2+ days and a test of 1+")
    splits: list[Split] = []
    first = train
    while first + test <= days:
        test_days = np.arange(first, first + test)
        window = np.arange(0 if anchored else first - train, first)
        kept = purge(window, test_days, starts, ends, embargo)
        splits.append(Split(len(splits), kept, test_days))
        first += test
    if not splits:
        raise ValidationError(
            f"too little history for walk-forward: {days} days, need {train + test}"
        )
    return splits


def combinatorial_purged(
    starts: np.ndarray, ends: np.ndarray, *, groups: int, test_groups: int, embargo: int = 0
) -> list[Split]:
    """Every choice of `test_groups` of `groups` contiguous groups as a test set, purged."""
    days = len(starts)
    if not 1 <= test_groups < groups:
        raise ValidationError(f"test groups must be between 1 and {groups - 1}, not {test_groups}")
    if days < 2 * groups:
        raise ValidationError(f"too little history for {groups} groups: {days} days")
    bounds = group_bounds(days, groups)
    everything = np.arange(days)
    splits = []
    for number, chosen in enumerate(combinations(range(groups), test_groups)):
        test = np.concatenate([np.arange(*bounds[g]) for g in chosen])
        train = np.setdiff1d(everything, test, assume_unique=True)
        splits.append(Split(number, purge(train, test, starts, ends, embargo), test, chosen))
    return splits


def group_bounds(days: int, groups: int) -> list[tuple[int, int]]:
    """Return [start, stop) of `groups` contiguous groups of near-equal size."""
    edges = np.linspace(0, days, groups + 1).round().astype(int)
    return [(int(edges[g]), int(edges[g + 1])) for g in range(groups)]


def paths(splits: list[Split], groups: int, test_groups: int) -> list[list[tuple[int, int]]]:
    """Line the CPCV splits up into backtest paths: per path, (group, split number) pairs.

    Group g is tested by ``C(groups - 1, test_groups - 1)`` splits; path p takes the p-th of
    them (in split order) for every group, so each path covers every day exactly once.
    """
    count = comb(groups - 1, test_groups - 1)
    testing = {g: [s.number for s in splits if g in s.groups] for g in range(groups)}
    return [[(g, testing[g][p]) for g in range(groups)] for p in range(count)]


def _blocks(days: np.ndarray) -> list[np.ndarray]:
    """Cut sorted day numbers into runs of consecutive days."""
    if len(days) == 0:
        return []
    breaks = np.flatnonzero(np.diff(days) > 1) + 1
    return np.split(days, breaks)
