"""Butterfly: z-score of the 1 : -2 : 1 fly in return terms, legs from a notional."""

from __future__ import annotations

import numpy as np
import pydantic
import pytest
from strategy_tables import assert_no_look_ahead, fills, run_both, table

from tetra.indicators import rolling_zscore
from tetra.strategy.library import Butterfly
from tetra.strategy.library.butterfly import fly_value

WING = [100.0] * 13
BODY = [100.0, 101.0, 99.0, 100.0, 101.0, 99.0, 100.0, 96.0, 99.0, 100.0, 104.0, 100.0, 100.0]
LONG_WING = [50.0] * 13
MARKET = table(SHY=WING, IEF=BODY, TLT=LONG_WING)


def test_fly_is_wings_minus_twice_the_body_in_log_returns_since_the_start() -> None:
    closes = np.array([[100.0, 50.0, 20.0], [110.0, 50.0, 22.0], [100.0, 55.0, 20.0]])

    fly = fly_value(closes)

    np.testing.assert_allclose(fly, [0.0, 2 * np.log(1.1), -2 * np.log(1.1)])


def test_the_table_reads_as_the_test_says() -> None:
    z = rolling_zscore(fly_value(MARKET.close), 5)

    np.testing.assert_allclose(z[[7, 8, 10, 11]], [1.865, -0.008, -1.623, -0.091], atol=1e-3)


def test_fly_is_sold_when_rich_bought_when_cheap_and_closed_near_zero() -> None:
    strategy = Butterfly(window=5, entry_z=1.5, exit_z=0.25, notional=1_000.0)

    result = run_both(strategy, MARKET)

    assert fills(result) == [
        ("2024-01-11", "SHY", -10.0, 100.0),  # z 1.865 at row 7: short the fly
        ("2024-01-11", "TLT", -20.0, 50.0),
        ("2024-01-11", "IEF", 20.0, 96.0),  # 2,000 / 96 = 20.8
        ("2024-01-12", "IEF", -20.0, 99.0),  # z -0.008 at row 8: flat
        ("2024-01-12", "SHY", 10.0, 100.0),
        ("2024-01-12", "TLT", 20.0, 50.0),
        ("2024-01-16", "IEF", -19.0, 104.0),  # z -1.623 at row 10: long the fly
        ("2024-01-16", "SHY", 10.0, 100.0),
        ("2024-01-16", "TLT", 20.0, 50.0),
        ("2024-01-17", "SHY", -10.0, 100.0),  # z -0.091 at row 11: flat
        ("2024-01-17", "TLT", -20.0, 50.0),
        ("2024-01-17", "IEF", 19.0, 100.0),
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"entry_z": 1.0, "exit_z": 1.5},
        {"entry_z": 2.0, "stop_z": 2.0},
        {"window": 1},
        {"notional": 0.0},
        {"symbols": ("SHY", "IEF", "SHY")},
    ],
)
def test_invalid_configs_are_rejected(params: dict[str, object]) -> None:
    with pytest.raises(pydantic.ValidationError):
        Butterfly(**params)


def test_butterfly_does_not_look_ahead() -> None:
    strategy = Butterfly(window=5, entry_z=1.5, exit_z=0.25, notional=1_000.0)

    assert_no_look_ahead(strategy, MARKET, cuts=5)
