"""BuyAndHold: target weights bought at the open after each symbol's first close."""

from __future__ import annotations

import numpy as np
import pydantic
import pytest
from strategy_tables import assert_no_look_ahead, fills, run_both, table

from tetra.strategy.library import BuyAndHold

NAN = float("nan")

MARKET = table(
    AAA=[10.0, 10.5, 11.0, 12.0, 11.0],
    BBB=[20.0, 20.5, 21.0, 19.0, 22.0],
    CCC=[NAN, NAN, 50.0, 51.0, 52.0],
)


def test_equal_weights_buy_each_symbol_once_after_its_first_close() -> None:
    result = run_both(BuyAndHold(), MARKET)

    # A third of 10,000 at the open after the first close. CCC lists on the 3rd: a third
    # of that close's equity (10,499) is 3,499.67, but only the 3,350 of cash left is spent.
    assert fills(result) == [
        ("2024-01-02", "AAA", 333.0, 10.0),
        ("2024-01-02", "BBB", 166.0, 20.0),
        ("2024-01-04", "CCC", 67.0, 50.0),
    ]


def test_given_weights_buy_only_the_weighted_symbols() -> None:
    result = run_both(BuyAndHold(weights={"BBB": 0.5}), MARKET)

    assert fills(result) == [("2024-01-02", "BBB", 250.0, 20.0)]
    assert result.final_equity == pytest.approx(10_000.0 + 250 * 2.0)


@pytest.mark.parametrize(
    "weights", [{"AAA": -0.1}, {"AAA": 0.7, "BBB": 0.4}, {}], ids=["negative", "over_one", "empty"]
)
def test_invalid_weights_are_rejected(weights: dict[str, float]) -> None:
    with pytest.raises(pydantic.ValidationError):
        BuyAndHold(weights=weights)


def test_unknown_symbol_in_weights_is_an_error() -> None:
    with pytest.raises(KeyError, match="ZZZ"):
        run_both(BuyAndHold(weights={"ZZZ": 0.5}), MARKET)


def test_buy_and_hold_does_not_look_ahead() -> None:
    assert_no_look_ahead(BuyAndHold(), MARKET, cuts=3)


def test_orders_are_decided_at_each_symbols_first_close_only() -> None:
    decided = np.isfinite(BuyAndHold().orders(MARKET).size)

    assert np.argwhere(decided).tolist() == [[0, 0], [0, 1], [2, 2]]


def test_config_is_frozen() -> None:
    strategy = BuyAndHold()
    with pytest.raises(pydantic.ValidationError):
        strategy.config.weights = {"AAA": 1.0}  # type: ignore[misc]
