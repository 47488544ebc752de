"""Faults: timeouts, lost answers, crashes and restarts never make a second order.

Each randomised run places a few orders through the order manager on a real DuckDB store
while the venue times out (before or after accepting), refuses, is unreachable, fails
lookups, and the process "crashes" (a `Crash` thrown through the manager) right before or
right after the venue receives an order; a new manager over the same store then recovers.
The venue dedupes client ids only among *open* orders (Binance's rule), so any blind resend
of a filled order would show up as a second order.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from tetra.adapters.stores import open_store
from tetra.core.clock import FixedClock
from tetra.data.ports import Store
from tetra.execution import BrokerOrder, Order, OrderRequest, OrderStatus, Side
from tetra.testing.brokers import PRICES, InMemoryBroker, trading_rig
from tetra.testing.brokers.rig import START

S = OrderStatus
RUNS = 100
SUBMIT_FAULTS = ["ok", "ok", "timeout_after_accept", "timeout_before_accept", "unavailable"]
LOOKUP_FAULTS = ["ok", "ok", "timeout", "unavailable"]
LOOKUPS, SUBMITS = 4, 6  # scripted lookup and submit answers per run


class Crash(BaseException):
    """The process dies here (not an Exception: nothing in the manager may catch it)."""


class CrashingBroker:
    """Forwards to the venue, but may die right before or right after a submit."""

    def __init__(self, venue: InMemoryBroker, crash_at: str | None) -> None:
        self.venue = venue
        self.name = venue.name
        self.crash_at = crash_at

    def submit(self, order: Order) -> BrokerOrder:
        if self.crash_at == "before_send":
            self.crash_at = None
            raise Crash
        view = self.venue.submit(order)
        if self.crash_at == "after_send":
            self.crash_at = None
            raise Crash
        return view

    def __getattr__(self, name: str) -> object:
        return getattr(self.venue, name)


@pytest.fixture(scope="module")
def duckdb_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    # Shared by the runs (a store each would double the time): a recovering manager resolves
    # every open order in its store, so each run must end with none open (asserted below), or
    # the next run's venue, under the same broker name, would see its orders.
    store = open_store(Path(tmp_path_factory.mktemp("faults")) / "store.duckdb")
    yield store
    store.close()


def run_once(store: Store, seed: int) -> tuple[InMemoryBroker, list[Order]]:
    rng = random.Random(seed)
    venue = InMemoryBroker(_clock(), name=f"memory{seed}", prices=dict(PRICES), dedupe="open")
    venue.fill_market_orders = rng.random() < 0.7
    venue.script_submit(*rng.choices(SUBMIT_FAULTS, k=SUBMITS))
    venue.script_lookup(*rng.choices(LOOKUP_FAULTS, k=LOOKUPS))
    crash_at = rng.choice([None, "before_send", "after_send"])
    book = f"b{seed}"
    broker = CrashingBroker(venue, crash_at)
    rig = trading_rig(store, {venue.name: broker}, clock=_clock(), book=book)  # type: ignore[dict-item]
    requests = [
        OrderRequest(book, rng.choice(["SPY", "QQQ", "AAPL"]), Side.BUY, Decimal(rng.randint(1, 9)))
        for _ in range(3)
    ]
    try:
        for request in requests:
            rig.manager.submit(request)
            if rng.random() < 0.5:
                rig.manager.resolve_unknown()  # "a retry": never a new order
    except Crash:
        pass  # the process died; whatever was buffered is lost
    broker.crash_at = None
    # Each restart looks every open order up and resends the ones the venue never saw; while
    # an order stays open, each restart uses up at least one scripted answer (a lookup or a
    # resend), so LOOKUPS + SUBMITS + 1 restarts always end with every answer "ok" (a fixed
    # three were not enough: four failing lookups, or resends that time out again).
    for _ in range(LOOKUPS + SUBMITS + 1):
        rig = rig.restart({venue.name: broker}, book=book)  # type: ignore[dict-item]
        rig.manager.recover()
    return venue, rig.journal.orders(book=book)


@pytest.mark.parametrize("seed", range(RUNS))
def test_randomised_faults_and_restarts_leave_one_order_per_client_id(
    duckdb_store: Store, seed: int
) -> None:
    venue, ours = run_once(duckdb_store, seed)
    assert all(count == 1 for count in venue.orders_placed.values())
    placed = set(venue.orders_placed)
    assert placed <= {o.client_order_id for o in ours}
    for order in ours:
        if order.client_order_id in placed:
            view = venue.placed(order.client_order_id)
            assert view is not None
            assert (order.status, order.filled_quantity) == (
                view[0].status,
                view[0].filled_quantity,
            )
        else:
            assert order.status is S.REJECTED, order
    assert not [o for o in ours if o.status in (S.UNKNOWN, S.NEW, S.SUBMITTED)]


def _clock() -> FixedClock:
    return FixedClock(START)


@pytest.mark.parametrize("seed", range(10))
def test_after_a_halt_no_order_that_adds_risk_reaches_the_venue(
    duckdb_store: Store, seed: int
) -> None:
    rng = random.Random(seed)
    venue = InMemoryBroker(_clock(), prices=dict(PRICES))
    held = {"SPY": Decimal(100), "QQQ": Decimal(-50)}
    book = f"halt{seed}"
    rig = trading_rig(duckdb_store, {"memory": venue}, clock=_clock(), positions=held, book=book)
    rig.manager.halt(book, "operator", "test")
    for _ in range(20):
        symbol = rng.choice(["SPY", "QQQ", "AAPL"])
        side = rng.choice([Side.BUY, Side.SELL])
        rig.manager.submit(OrderRequest(book, symbol, side, Decimal(rng.randint(1, 150))))
    assert venue.received == []  # halted: nothing at all, exits included, until a flatten
    exits = rig.manager.flatten(book, "operator flattens")
    assert sorted((o.symbol, o.side, o.quantity) for o in venue.received) == [
        ("QQQ", Side.BUY, Decimal(50)),
        ("SPY", Side.SELL, Decimal(100)),
    ]
    assert all(o.status is S.FILLED for o in exits)
    more = rig.manager.submit(OrderRequest(book, "AAPL", Side.BUY, Decimal(1)))
    assert more.status is S.REJECTED
    assert len(venue.received) == 2
