"""The execution journal on every store: exact decimals, positions, restart, buffered writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tetra.data.ports import Store
from tetra.execution import ExecutionJournal, Fill, Order, OrderRequest, OrderStatus, Side
from tetra.execution.orders import OrderType, TimeInForce

D = Decimal
AT = dt.datetime(2025, 3, 3, 15, tzinfo=dt.UTC)


def limit_order(client_order_id: str = "c-1", side: Side = Side.BUY) -> Order:
    request = OrderRequest(
        "core", "BTC", side, D("0.12345678"), OrderType.LIMIT, TimeInForce.GTC, D("60000.01")
    )
    return Order.from_request(request, client_order_id, "binance", AT)


def test_an_order_round_trips_exactly(store: Store) -> None:
    journal = ExecutionJournal(store)
    order = limit_order().moved(OrderStatus.SUBMITTED, AT, "sent")
    journal.persist([order])
    assert ExecutionJournal(store).order("c-1") == order


def test_recorded_changes_reach_the_store_only_on_flush(store: Store) -> None:
    journal = ExecutionJournal(store)
    order = limit_order()
    journal.persist([order])
    journal.record(order.moved(OrderStatus.SUBMITTED, AT))
    assert ExecutionJournal(store).order("c-1").status is OrderStatus.NEW  # type: ignore[union-attr]
    journal.flush()
    assert ExecutionJournal(store).order("c-1").status is OrderStatus.SUBMITTED  # type: ignore[union-attr]


def test_fills_move_positions_with_exact_average_prices(store: Store) -> None:
    journal = ExecutionJournal(store)
    buy = limit_order().moved(OrderStatus.SUBMITTED, AT)
    first = Fill("x1", "c-1", D("0.1"), D("60000.01"), AT)
    second = Fill("x2", "c-1", D("0.02345678"), D("59999.99"), AT)
    journal.record(buy.filled_by(first), first)
    journal.record(buy.filled_by(first).filled_by(second), second)
    sell = limit_order("c-2", Side.SELL).moved(OrderStatus.SUBMITTED, AT)
    third = Fill("x3", "c-2", D("0.02345678"), D("61000"), AT)
    journal.record(sell.filled_by(third), third)
    journal.flush()
    again = ExecutionJournal(store)
    assert again.positions() == {("core", "binance", "BTC"): D("0.1")}
    assert again.execution_ids(["c-1", "c-2"]) == {"x1", "x2", "x3"}
    assert list(again.fills()["fill_id"]) == ["x1", "x2", "x3"]
    (filled,) = [o for o in again.orders() if o.client_order_id == "c-1"]
    assert filled.status is OrderStatus.FILLED
    assert filled.average_fill_price == D("60000.006200001328")
    assert [o.client_order_id for o in again.orders(open_only=True)] == ["c-2"]
