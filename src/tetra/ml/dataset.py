"""Rows to learn from: one per (decision day, symbol) with a bar, features and a label.

`Dataset` keeps each row's day and symbol so predictions go back onto the (days, symbols)
panel (`to_panel`) for per-day metrics and for the strategy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tetra.core.errors import ValidationError
from tetra.ml.features import FeatureFrame


@dataclass(frozen=True)
class Dataset:
    """Row-aligned features, labels, and each row's day and symbol number."""

    features: np.ndarray  # (rows, columns)
    labels: np.ndarray
    day: np.ndarray
    symbol: np.ndarray
    names: tuple[str, ...]
    shape: tuple[int, int]  # (days, symbols) of the panel the rows come from

    def rows_of(self, days: np.ndarray) -> np.ndarray:
        """Return the row numbers whose day is in `days`."""
        return np.flatnonzero(np.isin(self.day, days))

    def to_panel(self, values: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Put per-row `values` (of `rows`, default all) back on a (days, symbols) panel."""
        rows = np.arange(len(self.labels)) if rows is None else rows
        panel = np.full(self.shape, np.nan)
        panel[self.day[rows], self.symbol[rows]] = values
        return panel


def make_dataset(
    frame: FeatureFrame,
    labels: np.ndarray,
    has_bar: np.ndarray,
    names: Sequence[str] | None = None,
) -> Dataset:
    """Return the rows where the symbol traded, the label is known and a feature is known."""
    chosen = frame.select(list(names)) if names is not None else frame
    cube = chosen.values  # (columns, days, symbols)
    usable = has_bar & np.isfinite(labels) & np.isfinite(cube).any(axis=0)
    day, symbol = np.nonzero(usable)
    if len(day) == 0:
        raise ValidationError("no rows to learn from: no day has both features and a label")
    return Dataset(
        features=np.ascontiguousarray(cube[:, day, symbol].T),
        labels=labels[day, symbol],
        day=day,
        symbol=symbol,
        names=chosen.names,
        shape=labels.shape,
    )


def feature_rows(frame: FeatureFrame, day: int, names: Sequence[str]) -> np.ndarray:
    """Return the (symbols, columns) features of one day, in the order of `names`."""
    return np.ascontiguousarray(frame.select(list(names)).values[:, day, :].T)
