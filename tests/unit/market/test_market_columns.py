"""`MarketData.from_frames` keeps the symbols in the order asked for: legs have roles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tetra.core.errors import ValidationError
from tetra.market import MarketData


def bars(closes: dict[str, float]) -> pd.DataFrame:
    days = pd.date_range("2024-01-02", periods=3, freq="B", tz="UTC")
    rows = [
        {"symbol": s, "ts": d, "open": c, "high": c, "low": c, "close": c, "volume": 1.0}
        for s, c in closes.items()
        for d in days
    ]
    return pd.DataFrame(rows)


def test_columns_follow_the_symbols_given_not_their_sorted_order() -> None:
    frame = bars({"SHY": 80.0, "IEF": 95.0, "TLT": 90.0})

    data = MarketData.from_frames(frame, symbols=["SHY", "IEF", "TLT"])

    assert data.symbols == ("SHY", "IEF", "TLT")
    np.testing.assert_array_equal(data.close[0], [80.0, 95.0, 90.0])


def test_without_symbols_the_columns_are_sorted() -> None:
    data = MarketData.from_frames(bars({"XOM": 1.0, "CVX": 2.0}))

    assert data.symbols == ("CVX", "XOM")


def test_a_repeated_symbol_keeps_its_first_place_and_bars_not_asked_for_are_left_out() -> None:
    frame = bars({"XOM": 1.0, "CVX": 2.0, "SPY": 3.0})

    data = MarketData.from_frames(frame, symbols=["XOM", "CVX", "XOM"])

    assert data.symbols == ("XOM", "CVX")
    np.testing.assert_array_equal(data.close[-1], [1.0, 2.0])


def test_a_symbol_without_bars_is_named() -> None:
    with pytest.raises(ValidationError, match="GLD"):
        MarketData.from_frames(bars({"XOM": 1.0}), symbols=["XOM", "GLD"])
