"""The OHLCV invariants, for one bar and whole arrays alike."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tetra.model.bars import bar_problems

GOOD_BAR = {"open": 10.0, "high": 11.0, "low": 9.0, "close": 10.5, "volume": 1000.0}


def problems_of(**changes: float) -> list[tuple[int, str]]:
    fields = {**GOOD_BAR, **changes}
    arrays = [np.array([fields[name]]) for name in ("open", "high", "low", "close", "volume")]
    return bar_problems(*arrays)


def test_valid_bar_has_no_problems() -> None:
    assert problems_of() == []


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"high": 10.2}, "high below max(open, close)"),
        ({"low": 10.1}, "low above min(open, close)"),
        ({"close": math.nan}, "close is NaN"),
        ({"open": -1.0, "low": -2.0}, "open is not positive"),
        ({"volume": -5.0}, "volume is negative"),
    ],
)
def test_invalid_bar_is_refused_with_its_reason(changes: dict[str, float], reason: str) -> None:
    reasons = "; ".join(found for _, found in problems_of(**changes))

    assert re.search(re.escape(reason), reasons)


def test_bar_problems_lists_every_row_and_reason() -> None:
    open_ = np.array([10.0, 10.0, np.nan])
    high = np.array([11.0, 9.0, 11.0])
    low = np.array([9.0, 10.5, 9.0])
    close = np.array([10.5, 10.0, 10.0])
    volume = np.array([1.0, -1.0, 1.0])

    problems = bar_problems(open_, high, low, close, volume)

    assert problems == [
        (1, "high below max(open, close)"),
        (1, "low above min(open, close)"),
        (1, "volume is negative"),
        (2, "open is NaN or infinite"),
    ]


prices = st.floats(min_value=0.01, max_value=1e6, allow_nan=False)


@given(a=prices, b=prices, c=prices, d=prices, volume=st.floats(0, 1e12))
def test_bars_sorted_into_ohlc_order_always_pass(
    a: float, b: float, c: float, d: float, volume: float
) -> None:
    low, open_, close, high = sorted((a, b, c, d))
    arrays = [np.array([v]) for v in (open_, high, low, close, volume)]

    assert bar_problems(*arrays) == []
