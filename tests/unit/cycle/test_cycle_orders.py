"""From recommendation to order: paper books send, recommend books wait, reruns send nothing."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from cycle_fixtures import context, crossover_book, sessions

from tetra.adapters.brokers.factory import order_manager
from tetra.core.clock import FixedClock
from tetra.cycle import CycleContext, CycleResult, read_recommendations, replay, run_cycle
from tetra.cycle.orders import send_recommendations
from tetra.execution import ExecutionJournal, Order, OrderStatus
from tetra.portfolio import StoredBooks

SPY = [12, 12, 12, 12, 11, 10, 10, 10, 10, 20]  # crosses up on the last session: buy 250
QQQ = [10, 10, 10, 10, 10, 11, 12, 13, 14, 15]


def wired(mode: str) -> tuple[CycleContext, list[list[Order]]]:
    """Return a cycle whose books live in its store, where the order managers book fills."""
    ctx = context({"SPY": SPY, "QQQ": QQQ})
    books = StoredBooks(ctx.store)
    books.save_book(crossover_book(mode), at=ctx.clock.now())
    sent: list[list[Order]] = []

    def send(result: CycleResult) -> list[Order]:
        manager = order_manager(ctx.store, "paper", ["swing"], ctx.clock)
        manager.recover()
        orders = send_recommendations(manager, "swing", result.session, result.recommendations)
        sent.append(orders)
        return orders

    return replace(ctx, books=books, send_orders=send), sent


def stored_orders(ctx: CycleContext) -> list[Order]:
    return ExecutionJournal(ctx.store).orders(book="swing")


def test_a_paper_books_recommendations_go_to_the_paper_broker_once_per_session() -> None:
    ctx, sent = wired("paper")
    first = run_cycle(ctx, "swing")
    wanted = {r.symbol: r.quantity for r in first.recommendations if r.allowed and r.quantity}
    assert wanted  # the fixture recommends at least SPY's buy
    orders = stored_orders(ctx)
    assert {o.symbol: o.signed_quantity for o in orders} == wanted
    assert {o.status for o in orders} == {OrderStatus.FILLED}  # at the latest close

    run_cycle(ctx, "swing")  # a rerun of the same session
    assert [o.client_order_id for o in sent[1]] == [o.client_order_id for o in sent[0]]
    assert len(stored_orders(ctx)) == len(orders)  # nothing new was sent
    # the cycle books a paper book's fills (at the next open), not the paper broker's
    assert ctx.books.fills("swing") == []


def test_a_recommend_book_waits_for_approval_and_approving_twice_sends_once() -> None:
    ctx, sent = wired("recommend")
    result = run_cycle(ctx, "swing")
    assert sent == []
    assert stored_orders(ctx) == []
    recommendations = read_recommendations(ctx.store, "swing", result.session)
    for _ in range(2):
        manager = order_manager(ctx.store, "paper", ["swing"], ctx.clock)
        manager.recover()
        send_recommendations(manager, "swing", result.session, recommendations, {"SPY"})
    [order] = stored_orders(ctx)
    assert (order.symbol, order.quantity, order.status) == ("SPY", Decimal(250), "filled")
    [booked] = ctx.books.fills("swing")  # approved twice, booked once
    assert (booked.order_id, booked.symbol, booked.quantity) == (
        order.client_order_id,
        "SPY",
        Decimal(250),
    )
    assert booked.price == order.average_fill_price


def test_a_replay_sends_no_orders() -> None:
    ctx, sent = wired("paper")
    days = sessions(len(SPY))
    list(replay(ctx, "swing", days[-3], days[-1]))
    assert sent == []
    assert stored_orders(ctx) == []


def test_another_session_sends_its_own_orders() -> None:
    ctx, sent = wired("paper")
    days = sessions(len(SPY))
    run_cycle(ctx, "swing", days[-1])
    later = replace(ctx, clock=FixedClock(ctx.clock.now()))
    run_cycle(later, "swing", days[-2])
    ids = [o.client_order_id for batch in sent for o in batch]
    assert len(ids) == len(set(ids))
