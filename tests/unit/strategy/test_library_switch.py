"""MomentumSwitch: hold the instrument with the better trailing return, kept min_hold bars."""

from __future__ import annotations

import pydantic
import pytest
from strategy_tables import assert_no_look_ahead, fills, run_both, table

from tetra.strategy.library import MomentumSwitch

# Two-bar returns: AAA leads at row 2; BBB leads from row 3; AAA again from row 8.
MARKET = table(
    AAA=[10.0, 11.0, 12.0, 12.0, 12.0, 12.0, 12.0, 12.0, 12.0, 12.0],
    BBB=[10.0, 10.0, 10.0, 11.0, 12.0, 13.0, 14.0, 14.0, 13.0, 12.0],
)


def test_switches_to_the_leader_only_after_min_hold_bars() -> None:
    result = run_both(MomentumSwitch(lookback=2, min_hold=3), MARKET)

    assert fills(result) == [
        ("2024-01-04", "AAA", 833.0, 12.0),  # decided at row 2
        ("2024-01-09", "AAA", -833.0, 12.0),  # BBB leads from row 3, switch at row 5
        ("2024-01-09", "BBB", 769.0, 13.0),
        ("2024-01-12", "BBB", -769.0, 13.0),  # AAA leads at row 8, held 3 bars since row 5
        ("2024-01-12", "AAA", 833.0, 12.0),
    ]


def test_min_hold_of_one_switches_at_the_first_lead_change() -> None:
    orders = MomentumSwitch(lookback=2, min_hold=1, weight=0.5).orders(MARKET)

    assert orders.size[3].tolist() == [0.0, 0.5]


def test_named_symbols_pick_the_columns() -> None:
    market = table(XXX=[1.0] * 10, AAA=MARKET.close[:, 0].tolist(), BBB=MARKET.close[:, 1].tolist())

    strategy = MomentumSwitch(symbols=("AAA", "BBB"), lookback=2, min_hold=3)

    assert [f[1:] for f in fills(run_both(strategy, market))][:1] == [("AAA", 833.0, 12.0)]


@pytest.mark.parametrize(
    "params",
    [{"lookback": 0}, {"min_hold": 0}, {"weight": 1.5}, {"symbols": ("SPY", "SPY")}],
)
def test_invalid_configs_are_rejected(params: dict[str, object]) -> None:
    with pytest.raises(pydantic.ValidationError):
        MomentumSwitch(**params)


def test_switch_does_not_look_ahead() -> None:
    assert_no_look_ahead(MomentumSwitch(lookback=2, min_hold=3), MARKET, cuts=5)
