"""The order state machine as a table: every pair of states, allowed or not."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from tetra.core.errors import ValidationError
from tetra.execution import (
    TERMINAL,
    Fill,
    IllegalTransition,
    Order,
    OrderRequest,
    OrderStatus,
    Side,
)

S = OrderStatus
AT = dt.datetime(2025, 3, 3, 15, tzinfo=dt.UTC)
D = Decimal

ALLOWED = {
    S.NEW: {S.SUBMITTED, S.REJECTED, S.UNKNOWN},
    S.SUBMITTED: {
        S.ACCEPTED, S.PARTIALLY_FILLED, S.FILLED, S.CANCELLED, S.EXPIRED, S.REJECTED, S.UNKNOWN,
    },
    S.UNKNOWN: {
        S.ACCEPTED, S.PARTIALLY_FILLED, S.FILLED, S.CANCELLED, S.EXPIRED, S.REJECTED,
        S.SUBMITTED, S.UNKNOWN,
    },
    S.ACCEPTED: {S.PARTIALLY_FILLED, S.FILLED, S.CANCELLED, S.EXPIRED, S.REJECTED},
    S.PARTIALLY_FILLED: {S.PARTIALLY_FILLED, S.FILLED, S.CANCELLED, S.EXPIRED},
    S.FILLED: set(),
    S.CANCELLED: set(),
    S.REJECTED: set(),
    S.EXPIRED: set(),
}  # fmt: skip


def order_in(status: OrderStatus) -> Order:
    request = OrderRequest("core", "SPY", Side.BUY, D(10))
    return replace(Order.from_request(request, "c-1", "memory", AT), status=status)


@pytest.mark.parametrize("before", list(S))
@pytest.mark.parametrize("after", list(S))
def test_transition_is_allowed_exactly_as_the_table_says(
    before: OrderStatus, after: OrderStatus
) -> None:
    order = order_in(before)
    if after in ALLOWED[before]:
        moved = order.moved(after, AT, "why")
        assert (moved.status, moved.sequence) == (after, 1)
    else:
        with pytest.raises(IllegalTransition):
            order.moved(after, AT)


def test_terminal_states_are_the_ones_without_a_way_out() -> None:
    assert {s for s, out in ALLOWED.items() if not out} == set(TERMINAL)


def test_fills_move_an_order_to_partially_filled_then_filled_at_the_average_price() -> None:
    order = order_in(S.ACCEPTED)
    half = order.filled_by(Fill("x1", "c-1", D(4), D("100.10"), AT))
    done = half.filled_by(Fill("x2", "c-1", D(6), D("100.20"), AT))
    assert (half.status, half.remaining) == (S.PARTIALLY_FILLED, D(6))
    assert (done.status, done.filled_quantity) == (S.FILLED, D(10))
    assert done.average_fill_price == D("100.16")


def test_a_fill_beyond_the_remaining_quantity_is_refused() -> None:
    with pytest.raises(ValidationError, match="exceeds the remaining"):
        order_in(S.ACCEPTED).filled_by(Fill("x1", "c-1", D(11), D(100), AT))


@pytest.mark.parametrize(("quantity", "price"), [("0", "1"), ("-1", "1"), ("1", "0")])
def test_a_fill_needs_positive_quantity_and_price(quantity: str, price: str) -> None:
    with pytest.raises(ValidationError, match="must be positive"):
        Fill("x", "c", D(quantity), D(price), AT)
