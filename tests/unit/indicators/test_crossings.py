"""`crossings` marks where one series crosses another, read at the close from two bars."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tetra.indicators as ti


def reference(fast: np.ndarray, slow: np.ndarray) -> np.ndarray:
    """The definition, written cell by cell."""
    out = np.zeros(fast.shape, dtype=np.int8)
    for t in range(1, fast.shape[0]):
        for n in range(fast.shape[1]):
            cells = (fast[t, n], slow[t, n], fast[t - 1, n], slow[t - 1, n])
            if not all(np.isfinite(cells)):
                continue
            above, was_above = fast[t, n] > slow[t, n], fast[t - 1, n] > slow[t - 1, n]
            out[t, n] = 1 if above and not was_above else -1 if was_above and not above else 0
    return out


def test_a_hand_made_series() -> None:
    fast = np.array([1.0, 3.0, 3.0, 2.0, np.nan, 5.0, 6.0, 1.0])
    slow = np.array([2.0, 2.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0])
    # 1 -> 3 crosses above; 3 = 3 is not above (a cross back); 2 < 3 stays below;
    # the NaN bar and the bar after it mark nothing; 6 > 3 stays above; 1 < 3 crosses back
    assert ti.crossings(fast, slow).tolist() == [0, 1, -1, 0, 0, 0, 0, -1]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_panels_with_gaps_and_ties_match_the_definition(seed: int) -> None:
    rng = np.random.default_rng(seed)
    fast = rng.integers(0, 4, size=(300, 7)).astype(np.float64)  # small integers: many ties
    slow = rng.integers(0, 4, size=(300, 7)).astype(np.float64)
    fast[rng.random(fast.shape) < 0.05] = np.nan
    slow[rng.random(slow.shape) < 0.05] = np.inf
    got = ti.crossings(fast, slow)
    assert got.dtype == np.int8
    np.testing.assert_array_equal(got, reference(fast, slow))


def test_pandas_labels_and_shape_checks() -> None:
    index = pd.date_range("2024-01-01", periods=4)
    fast = pd.DataFrame({"A": [1.0, 2.0, 1.0, 2.0], "B": [2.0, 1.0, 2.0, 2.0]}, index=index)
    slow = pd.DataFrame({"A": [1.5] * 4, "B": [1.5] * 4}, index=index)
    got = ti.crossings(fast, slow)
    assert list(got.columns) == ["A", "B"]
    assert got.index.equals(index)
    assert got["A"].tolist() == [0, 1, -1, 1]
    assert got["B"].tolist() == [0, -1, 1, 0]
    with pytest.raises(ValueError, match="differ in shape"):
        ti.crossings(np.zeros(3), np.zeros(4))
