"""MembersOnly: entries only while a member, an exit at the next open after leaving."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from strategy_tables import assert_no_look_ahead, fills, run_both, table

from tetra.market import SizeKind
from tetra.strategy.library import BuyAndHold, MovingAverageCrossover
from tetra.strategy.membership import Membership, MembersOnly, leaving, members_only

D = dt.date
# Business days Jan 1 (Mon) .. Jan 12 2024: rows 0-4 are Jan 1-5, rows 5-9 Jan 8-12.
FLAT = table(AAA=[10.0] * 10, BBB=[20.0] * 10, CCC=[5.0] * 10)
# AAA leaves after Jan 4 and rejoins on Jan 10; BBB joins on Jan 9; CCC is not in the group.
HISTORY = Membership(
    {"AAA": ((None, D(2024, 1, 4)), (D(2024, 1, 10), None)), "BBB": ((D(2024, 1, 9), None),)},
    "@test",
)


def test_the_mask_follows_the_spans_and_leaves_unnamed_symbols_in() -> None:
    inside = HISTORY.mask(FLAT)

    assert inside[:, 0].tolist() == [True] * 4 + [False] * 3 + [True] * 3
    assert inside[:, 1].tolist() == [False] * 6 + [True] * 4
    assert inside[:, 2].all()
    assert np.flatnonzero(leaving(inside)[:, 0]).tolist() == [4]


def test_a_joiner_is_entered_only_after_joining_and_a_leaver_is_closed_at_the_next_open() -> None:
    # Targets a third each on every bar: only membership decides when each fill happens.
    strategy = MembersOnly(BuyAndHold(rebalance=1), HISTORY)

    result = run_both(strategy, FLAT, cash=30_000.0)

    assert fills(result) == [
        ("2024-01-02", "AAA", 1000.0, 10.0),  # decided at Jan 1's close
        ("2024-01-02", "CCC", 2000.0, 5.0),
        ("2024-01-08", "AAA", -1000.0, 10.0),  # out on Jan 5: closed at the next open
        ("2024-01-10", "BBB", 500.0, 20.0),  # in from Jan 9: bought at the next open
        ("2024-01-11", "AAA", 1000.0, 10.0),  # back in on Jan 10
    ]


def test_without_the_wrapper_the_same_strategy_trades_every_symbol_all_along() -> None:
    result = run_both(BuyAndHold(rebalance=1), FLAT, cash=30_000.0)

    assert [(day, symbol) for day, symbol, _, _ in fills(result)] == [
        ("2024-01-02", "AAA"),
        ("2024-01-02", "BBB"),
        ("2024-01-02", "CCC"),
    ]


def test_a_strategy_placing_its_own_per_bar_orders_is_masked_the_same_way() -> None:
    # The crossover enters at rows 4 (Jan 5) and 10 (Jan 15) and exits at row 7 (Jan 10).
    closes = [10.0, 9.0, 8.0, 9.0, 10.0, 11.0, 10.0, 9.0, 8.0, 9.0, 10.0, 11.0]
    market = table(AAA=closes)
    inner = MovingAverageCrossover(fast=2, slow=3, allocation=5_000.0)
    out_on_entry = Membership({"AAA": ((None, D(2024, 1, 4)), (D(2024, 1, 9), None))})

    result = run_both(MembersOnly(inner, out_on_entry), market)

    assert len(fills(run_both(inner, market))) == 3
    assert fills(result) == [("2024-01-16", "AAA", 500.0, 10.0)]
    assert_no_look_ahead(MembersOnly(inner, out_on_entry), market)


def test_a_leaving_symbols_own_order_is_replaced_by_a_market_exit() -> None:
    orders = BuyAndHold(rebalance=1).orders(FLAT)
    orders.kind[4, 0] = 1  # a limit order on the leaving row
    orders.limit[4, 0] = 9.0

    masked = members_only(orders, HISTORY.mask(FLAT))

    assert masked.size[4, 0] == 0.0
    assert masked.size_kind[4, 0] == int(SizeKind.TARGET_SHARES)
    assert masked.kind[4, 0] == 0
    assert np.isnan(masked.limit[4, 0])
    assert np.isnan(masked.size[5:7, 0]).all()  # out: the rebalances are dropped
    assert np.isfinite(orders.size[5:7, 0]).all()  # the strategy's own arrays are untouched


def test_membership_is_built_from_recorded_rows() -> None:
    rows = pd.DataFrame(
        {"symbol": ["AAA", "AAA", "BBB"],
         "valid_from": [None, pd.Timestamp("2024-01-10"), dt.date(2024, 1, 9)],
         "valid_to": [dt.date(2024, 1, 4), pd.NaT, None]}
    )  # fmt: skip

    built = Membership.of(rows, "@test")

    np.testing.assert_array_equal(built.mask(FLAT), HISTORY.mask(FLAT))
    assert MembersOnly(BuyAndHold(), built).describe().endswith("while a member of @test")
