"""Deterministic bars shared by the indicator specifications."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import pytest

Array = npt.NDArray[np.float64]


class Bars(NamedTuple):
    high: Array
    low: Array
    close: Array
    volume: Array


def random_walk_bars(n_bars: int, seed: int) -> Bars:
    """Build a geometric random walk with highs above and lows below the close."""
    rng = np.random.default_rng(seed)
    close = 100.0 * np.exp(np.cumsum(rng.normal(0.0, 0.01, n_bars)))
    high = close * (1.0 + np.abs(rng.normal(0.0, 0.005, n_bars)))
    low = close * (1.0 - np.abs(rng.normal(0.0, 0.005, n_bars)))
    volume = rng.integers(1_000, 100_000, n_bars).astype(np.float64)
    return Bars(high, low, close, volume)


@pytest.fixture(scope="session")
def bars() -> Bars:
    return random_walk_bars(2_000, seed=20240601)


@pytest.fixture(scope="session")
def panel_bars() -> Bars:
    """Five symbols side by side (T x 5), the last two listed late (leading NaNs)."""
    columns = [random_walk_bars(300, seed) for seed in range(5)]
    stacked = Bars(*(np.column_stack(field) for field in zip(*columns, strict=True)))
    for field in stacked:
        field[:40, 3] = np.nan
        field[:120, 4] = np.nan
    return stacked
