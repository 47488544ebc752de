"""Stops and exits in the fill model, as candle tables with the fills they must produce.

Each case: candles (open, high, low, close) for one symbol, an entry decided at the first
bar's close (filled at the second bar's open, 100), the run's `Exits`, and the expected
fills as (bar, quantity, price, reason, flags). Every case runs on both paths, which must
agree fill for fill.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tetra.backtest.compiled import KernelOutput, run_compiled
from tetra.backtest.engine import run_callbacks
from tetra.backtest.result import BacktestResult
from tetra.core.errors import ValidationError
from tetra.market import BarContext, MarketData, OrderArrays
from tetra.simulation.exits import (
    BOTH_TOUCHED,
    GAP,
    SIGNAL,
    STOP_LOSS,
    TAKE_PROFIT,
    TIME_EXIT,
    TRAILING_STOP,
    Exits,
)
from tetra.simulation.layout import F_EXIT, F_FLAGS, F_PRICE, F_QUANTITY, F_T
from tetra.simulation.orders import Commission, Costs, Slippage

NAN = math.nan
FLAT = (100.0, 101.0, 99.0, 100.0)
ENTRY = (100.0, 102.0, 99.5, 101.0)  # the entry bar: filled at its open, 100


def market(candles: list[tuple[float, float, float, float]]) -> MarketData:
    frame = pd.DataFrame(candles, columns=["open", "high", "low", "close"])
    frame["symbol"], frame["volume"] = "AAA", 1_000.0
    frame["ts"] = pd.date_range("2024-01-02", periods=len(candles), freq="B", tz="UTC")
    return MarketData.from_frames(frame)


def entry(
    data: MarketData,
    size: float = 10.0,
    at: int = 0,
    stop_loss: float = NAN,
    take_profit: float = NAN,
) -> OrderArrays:
    """One market order at bar `at`, a bracket entry when given levels."""
    empty = OrderArrays.empty(data.shape)
    levels = np.full(data.shape, np.nan), np.full(data.shape, np.nan)
    levels[0][at, 0], levels[1][at, 0] = stop_loss, take_profit
    empty.size[at, 0] = size
    return OrderArrays(
        empty.size,
        empty.size_kind,
        empty.kind,
        empty.limit,
        empty.stop,
        empty.time_in_force,
        *levels,
    )


def replay(orders: OrderArrays):  # type: ignore[no-untyped-def]
    stop_loss, take_profit = orders.brackets()

    def on_bar(bar: BarContext) -> None:
        for n in np.flatnonzero(np.isfinite(orders.size[bar.t])):
            bar.order(
                int(n),
                orders.size[bar.t, n],
                stop_loss=stop_loss[bar.t, n],
                take_profit=take_profit[bar.t, n],
            )

    return on_bar


def both_paths(data: MarketData, orders: OrderArrays, **kwargs: object) -> KernelOutput:
    compiled = run_compiled(data, orders, cash=10_000.0, **kwargs)  # type: ignore[arg-type]
    per_bar = run_callbacks(data, replay(orders), cash=10_000.0, **kwargs)  # type: ignore[arg-type]
    np.testing.assert_array_equal(compiled.fills, per_bar.fills)
    np.testing.assert_array_equal(compiled.equity, per_bar.equity)
    return compiled


def exits_of(output: KernelOutput) -> list[tuple[int, float, float, int, int]]:
    return [
        (int(f[F_T]), f[F_QUANTITY], round(f[F_PRICE], 6), int(f[F_EXIT]), int(f[F_FLAGS]))
        for f in output.fills
        if f[F_EXIT] != SIGNAL
    ]


CASES = [
    pytest.param(
        [(99, 100, 94, 96)], Exits(stop_loss=0.05), [(2, -10, 95, STOP_LOSS, 0)], id="stop-touched"
    ),
    pytest.param(
        [(90, 92, 88, 91)],
        Exits(stop_loss=0.05),
        [(2, -10, 90, STOP_LOSS, GAP)],
        id="gap-through-stop-fills-at-open",
    ),
    pytest.param(
        [(95, 96, 93, 95)],
        Exits(stop_loss=0.05),
        [(2, -10, 95, STOP_LOSS, 0)],
        id="open-at-the-stop-is-no-gap",
    ),
    pytest.param(
        [(105, 111, 104, 108)],
        Exits(take_profit=0.10),
        [(2, -10, 110, TAKE_PROFIT, 0)],
        id="target-touched",
    ),
    pytest.param(
        [(112, 115, 111, 114)],
        Exits(take_profit=0.10),
        [(2, -10, 112, TAKE_PROFIT, GAP)],
        id="gap-through-target-fills-at-open",
    ),
    pytest.param(
        [(100, 111, 94, 100)],
        Exits(stop_loss=0.05, take_profit=0.10),
        [(2, -10, 95, STOP_LOSS, BOTH_TOUCHED)],
        id="both-touched-takes-the-stop",
    ),
    pytest.param(
        [(100, 111, 94, 100)],
        Exits(stop_loss=0.05, take_profit=0.10, both_touched="target"),
        [(2, -10, 110, TAKE_PROFIT, BOTH_TOUCHED)],
        id="both-touched-told-to-take-the-target",
    ),
    pytest.param(
        [(99, 101, 96, 100), (100, 101, 96, 100)], Exits(stop_loss=0.05), [], id="stop-not-reached"
    ),
    pytest.param(
        # trail 10 %: 90 at entry, 91.8 after the entry bar's high 102, 108 after the high 120
        [(105, 120, 104, 118), (110, 111, 107, 108)],
        Exits(trailing_stop=0.10),
        [(3, -10, 108, TRAILING_STOP, 0)],
        id="trailing-stop-ratchets-up-then-fills",
    ),
    pytest.param(
        # the pullback to 100 does not loosen the 108 trail; the gap open at 101 goes through it
        [(105, 120, 104, 118), (109, 109.5, 100, 101)],
        Exits(trailing_stop=0.10),
        [(3, -10, 108, TRAILING_STOP, 0)],
        id="trail-never-loosens",
    ),
    pytest.param(
        [(105, 120, 104, 118), (101, 102, 99, 100)],
        Exits(trailing_stop=0.10, stop_loss=0.05),
        [(3, -10, 101, TRAILING_STOP, GAP)],
        id="tighter-trail-protects-and-gaps",
    ),
    pytest.param(
        [(101, 102, 100, 101), (102, 103, 101, 102), (103, 104, 102, 103)],
        Exits(time_exit=2),
        [(3, -10, 102, TIME_EXIT, 0)],
        id="time-exit-at-the-open-after-n-bars",
    ),
]


@pytest.mark.parametrize(("after", "exits", "expected"), CASES)
def test_exit_fills(
    after: list[tuple[float, float, float, float]],
    exits: Exits,
    expected: list[tuple[int, float, float, int, int]],
) -> None:
    data = market([FLAT, ENTRY, *after])

    output = both_paths(data, entry(data), exits=exits)

    assert exits_of(output) == expected


def test_short_stop_buys_back_at_the_stop() -> None:
    data = market([FLAT, ENTRY, (101, 106, 100, 104)])

    output = both_paths(data, entry(data, size=-10), exits=Exits(stop_loss=0.05))

    assert exits_of(output) == [(2, 10, 105, STOP_LOSS, 0)]


def test_short_gap_up_through_the_stop_fills_at_the_open() -> None:
    data = market([FLAT, ENTRY, (108, 109, 107, 108)])

    output = both_paths(data, entry(data, size=-10), exits=Exits(stop_loss=0.05))

    assert exits_of(output) == [(2, 10, 108, STOP_LOSS, GAP)]


def test_bracket_entry_carries_its_own_levels() -> None:
    data = market([FLAT, ENTRY, (100, 104, 99, 101)])

    output = both_paths(data, entry(data, stop_loss=97, take_profit=103))

    assert exits_of(output) == [(2, -10, 103, TAKE_PROFIT, 0)]


def test_bracket_levels_replace_the_runs_exits() -> None:
    data = market([FLAT, ENTRY, (99, 100, 96, 98)])

    output = both_paths(data, entry(data, stop_loss=97), exits=Exits(stop_loss=0.02))

    assert exits_of(output) == [(2, -10, 97, STOP_LOSS, 0)]


def test_atr_stop_sits_a_multiple_of_the_atr_below_the_entry() -> None:
    # every true range is 2, so the 2-bar ATR is 2 and a 1.5 ATR stop sits 3 below 100
    data = market([FLAT, FLAT, FLAT, ENTRY, (99, 100, 96.5, 98)])

    output = both_paths(data, entry(data, at=2), exits=Exits(stop_loss_atr=1.5, atr_window=2))

    assert exits_of(output) == [(4, -10, 97, STOP_LOSS, 0)]


def test_exit_pays_slippage_and_commission() -> None:
    data = market([FLAT, ENTRY, (99, 100, 94, 96)])
    costs = Costs(Commission(fixed=1.0), Slippage(fixed=0.1))

    output = both_paths(data, entry(data), exits=Exits(stop_loss=0.05), costs=costs)

    entry_price = 100.0 + 0.1  # levels are set from the entry's fill price
    last = output.fills[-1]
    assert (last[F_PRICE], last[4]) == pytest.approx((entry_price * 0.95 - 0.1, 1.0))


def test_exit_cancels_the_symbols_working_order() -> None:
    data = market([FLAT, ENTRY, (99, 100, 94, 96), FLAT])
    orders = entry(data)
    orders.size[1, 0] = 5.0  # decided at the entry bar's close, due at bar 2's open

    output = both_paths(data, orders, exits=Exits(stop_loss=0.05))

    assert output.fills[:, F_QUANTITY].tolist() == [10.0, -10.0]  # the add never fills
    assert output.positions[-1, 0] == 0.0


def test_split_scales_the_stop() -> None:
    frame = pd.DataFrame(
        [FLAT, ENTRY, (50, 50.5, 47, 49)], columns=["open", "high", "low", "close"]
    )
    frame["symbol"], frame["volume"] = "AAA", 1_000.0
    frame["ts"] = pd.date_range("2024-01-02", periods=3, freq="B", tz="UTC")
    actions = pd.DataFrame(
        {"symbol": ["AAA"], "ex_date": [frame["ts"][2].date()], "action": ["split"],
         "split_from": [1.0], "split_to": [2.0], "cash_amount": [np.nan]}
    )  # fmt: skip
    data = MarketData.from_frames(frame, actions)

    output = both_paths(data, entry(data), exits=Exits(stop_loss=0.05))

    assert exits_of(output) == [(2, -20, 47.5, STOP_LOSS, 0)]


def test_trades_carry_their_exit_reason_and_fills_their_flags() -> None:
    data = market([FLAT, ENTRY, (90, 92, 88, 91)])
    output = both_paths(data, entry(data), exits=Exits(stop_loss=0.05))

    result = BacktestResult(data, output, 10_000.0)

    assert result.trades["exit_reason"].tolist() == ["stop_loss"]
    assert result.fills["gap"].tolist() == [False, True]
    assert result.fills["exit_reason"].tolist() == ["signal", "stop_loss"]


@pytest.mark.parametrize(
    ("exits", "message"),
    [
        (lambda: Exits(stop_loss=-0.1), "stop_loss"),
        (lambda: Exits(stop_loss=0.05, stop_loss_atr=2.0), "not both"),
        (lambda: Exits(trailing_stop=1.2), "100 %"),
        (lambda: Exits(time_exit=0), "time_exit"),
        (lambda: Exits(take_profit=math.nan), "take_profit"),
        (lambda: Exits(both_touched="worst"), "both_touched"),  # type: ignore[arg-type]
    ],
)
def test_bad_exits_raise_a_clear_error(exits: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        exits()  # type: ignore[operator]
