"""The trading area: orders through the order manager, positions, fills, the kill switch.

The app keeps one order manager over the paper broker (built on first use from the app's
store; `create_app(..., order_manager=...)` may hand in another). Calls are serialised with a
lock and run in the thread pool. Every order passes the pre-trade risk engine and is stored
before it is sent; a denial or refusal comes back as an order in state ``rejected`` with its
reason (the request was valid; the order was not allowed).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from decimal import Decimal
from typing import Annotated, TypeVar

import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError

from tetra.adapters.brokers.factory import order_manager, register_book
from tetra.api.deps import blocking
from tetra.api.errors import ERROR_RESPONSES
from tetra.api.schemas.trading import (
    ApproveRecommendationsIn,
    BrokerHealthOut,
    DifferenceOut,
    FillOut,
    FlattenIn,
    HaltOut,
    OrderIn,
    OrderOut,
    PendingApprovalOut,
    PositionOut,
    ReconciliationOut,
    ReplaceIn,
    SwitchChange,
    TradingStatusOut,
)
from tetra.core.clock import SystemClock
from tetra.core.errors import TetraError, ValidationError
from tetra.cycle.orders import (
    PendingApproval,
    order_requests,
    pending_approvals,
    send_recommendations,
)
from tetra.cycle.records import read_recommendations
from tetra.execution import (
    BrokerError,
    Order,
    OrderManager,
    OrderManagerError,
    OrderRequest,
    OrderType,
    Side,
    TimeInForce,
    reconcile,
)
from tetra.portfolio import BookMode, StoredBooks

router = APIRouter(prefix="/api/trading", tags=["trading"], responses=ERROR_RESPONSES)
T = TypeVar("T")
_BUILD = threading.Lock()


class Desk:
    """The app's order manager and the lock that serialises its use."""

    def __init__(self, manager: OrderManager) -> None:
        self.manager = manager
        self.lock = threading.Lock()
        self.store = manager.journal.store
        self.books: set[str] = set()

    def ensure_book(self, book: str) -> None:
        """Register `book` with the risk engine once (call with the lock held)."""
        if book not in self.books:
            register_book(self.manager, self.store, book)
            self.books.add(book)

    def run(self, call: Callable[[OrderManager], T], book: str | None = None) -> T:
        with self.lock:
            if book is not None:
                self.ensure_book(book)
            try:
                return call(self.manager)
            except OrderManagerError as error:
                raise HTTPException(404, str(error)) from error
            except BrokerError as error:
                raise HTTPException(503, f"broker: {error}") from error
            finally:
                self.manager.pump()


def desk(request: Request) -> Desk:
    """Return the app's trading desk, built over the paper broker on first use."""
    state = request.app.state
    with _BUILD:
        if getattr(state, "trading_desk", None) is None:
            manager = getattr(state, "order_manager", None)
            if manager is None:
                manager = order_manager(state.store, "paper", [], SystemClock())
                manager.recover()
            state.trading_desk = Desk(manager)
    found: Desk = state.trading_desk
    return found


DeskDep = Annotated[Desk, Depends(desk)]


@router.get("/status", response_model=TradingStatusOut, summary="Orders, positions, health")
async def status(
    trading: DeskDep, book: str | None = Query(None, max_length=128)
) -> TradingStatusOut:
    return await blocking(trading.run, lambda m: _status(m, book))


@router.get("/orders", response_model=list[OrderOut], summary="Orders, newest last")
async def orders(
    trading: DeskDep,
    book: str | None = Query(None, max_length=128),
    open_only: bool = False,
) -> list[OrderOut]:
    found = await blocking(trading.run, lambda m: m.journal.orders(open_only=open_only, book=book))
    return [order_out(o) for o in found]


@router.post("/orders", response_model=OrderOut, summary="Place an order")
async def place(body: OrderIn, trading: DeskDep) -> OrderOut:
    """Check, store and send one order; a denial is the order with status rejected."""
    request = OrderRequest(
        body.book, body.symbol.upper(), Side(body.side), body.quantity or Decimal(0),
        OrderType(body.order_type), TimeInForce(body.time_in_force),
        body.limit_price, body.stop_price, notional=body.notional,
    )  # fmt: skip
    placed = await blocking(trading.run, lambda m: _latest(m, m.submit(request)), body.book)
    return order_out(placed)


@router.post("/orders/{client_order_id}/cancel", response_model=OrderOut, summary="Cancel an order")
async def cancel(
    trading: DeskDep, client_order_id: Annotated[str, Path(max_length=64)]
) -> OrderOut:
    return order_out(await blocking(trading.run, lambda m: _latest(m, m.cancel(client_order_id))))


@router.post(
    "/orders/{client_order_id}/replace", response_model=OrderOut, summary="Replace an order"
)
async def replace_order(
    body: ReplaceIn, trading: DeskDep, client_order_id: Annotated[str, Path(max_length=64)]
) -> OrderOut:
    """Amend a working order: the replacement (its own id) is returned; a refusal is a 422."""

    def run(m: OrderManager) -> Order:
        original = m.journal.order(client_order_id)
        if original is not None:
            trading.ensure_book(original.book)
        tif = None if body.time_in_force is None else TimeInForce(body.time_in_force)
        try:
            replaced = m.replace(
                client_order_id, quantity=body.quantity, limit_price=body.limit_price,
                stop_price=body.stop_price, time_in_force=tif,
            )  # fmt: skip
        except ValidationError as error:
            raise _invalid(("body",), str(error)) from error
        return _latest(m, replaced)

    return order_out(await blocking(trading.run, run))


@router.get("/approvals", response_model=list[PendingApprovalOut], summary="Pending approvals")
async def approvals(trading: DeskDep) -> list[PendingApprovalOut]:
    """Recommend books' latest recommendations that wait for the user (not sent yet)."""

    def run(m: OrderManager) -> list[PendingApprovalOut]:
        books = [v.book.name for v in StoredBooks(trading.store).books()
                 if v.book.mode is BookMode.RECOMMEND]  # fmt: skip
        pending = [p for book in books for p in pending_approvals(trading.store, m.journal, book)]
        return [_approval_out(p) for p in pending]

    return await blocking(trading.run, run)


@router.post("/approvals", response_model=list[OrderOut], summary="Approve recommendations")
async def approve(body: ApproveRecommendationsIn, trading: DeskDep) -> list[OrderOut]:
    """Send a recommend book's recommendations of a session (all, or some) to the broker.

    Approving twice sends nothing new (each order's id comes from book, session and symbol);
    a paper book sends itself and a live one is approved only from the CLI, with --live.
    """
    version = await blocking(StoredBooks(trading.store).book, body.book)
    if version is None:
        raise HTTPException(404, f"no book {body.book!r}")
    if version.book.mode is not BookMode.RECOMMEND:
        raise _invalid(("body", "book"), f"{body.book} is a {version.book.mode} book: only "
                       "recommend books wait for approval")  # fmt: skip
    wanted = {s.upper() for s in body.symbols}
    found = await blocking(read_recommendations, trading.store, body.book, body.session)
    if not order_requests(body.book, body.session, found, wanted):
        among = f" among {', '.join(sorted(wanted))}" if wanted else ""
        message = f"no approvable recommendations for {body.book} on {body.session}{among}"
        raise _invalid(("body",), message)

    def run(m: OrderManager) -> list[Order]:
        return send_recommendations(m, body.book, body.session, found, wanted)

    return [order_out(o) for o in await blocking(trading.run, run, body.book)]


def _approval_out(pending: PendingApproval) -> PendingApprovalOut:
    rec = pending.recommendation
    return PendingApprovalOut(
        book=pending.book, session=pending.session, symbol=rec.symbol, side=rec.side,
        quantity=abs(rec.quantity), price=rec.price, client_order_id=pending.client_order_id,
    )  # fmt: skip


def _invalid(loc: tuple[str, ...], message: str) -> RequestValidationError:
    return RequestValidationError([{"loc": loc, "msg": message, "type": "value_error"}])


@router.post("/halt", response_model=HaltOut, summary="Engage the kill switch")
async def halt(body: SwitchChange, trading: DeskDep) -> HaltOut:
    """Refuse new risk in `scope` and cancel its open orders; stored with who and why."""
    cancelled = await blocking(trading.run, lambda m: m.halt(body.scope, body.reason, body.by))
    return HaltOut(scope=body.scope, cancelled=cancelled)


@router.post("/resume", response_model=HaltOut, summary="Release the kill switch")
async def resume(body: SwitchChange, trading: DeskDep) -> HaltOut:
    await blocking(trading.run, lambda m: m.resume(body.scope, body.reason, body.by))
    return HaltOut(scope=body.scope, cancelled=0)


@router.post("/flatten", response_model=list[OrderOut], summary="Close a book's positions")
async def flatten(body: FlattenIn, trading: DeskDep) -> list[OrderOut]:
    """Move the book to REDUCING and send its closing orders (they pass even when halted)."""

    def run(m: OrderManager) -> list[Order]:
        return [_latest(m, o) for o in m.flatten(body.book, body.reason)]

    return [order_out(o) for o in await blocking(trading.run, run, body.book)]


@router.post("/reconcile", response_model=ReconciliationOut, summary="Reconcile with the broker")
async def reconcile_now(trading: DeskDep) -> ReconciliationOut:
    def run(m: OrderManager) -> ReconciliationOut:
        result = reconcile(m, next(iter(m.brokers)), "manual", SystemClock())
        differences = [
            DifferenceOut(
                kind=d.kind, subject=d.subject, ours=d.ours, theirs=d.theirs, fixed=d.fixed
            )
            for d in result.differences
        ]
        return ReconciliationOut(run_id=result.run_id, broker=result.broker,
                                 trigger=result.trigger, clean=result.clean,
                                 differences=differences)  # fmt: skip

    return await blocking(trading.run, run)


def order_out(order: Order) -> OrderOut:
    return OrderOut(
        client_order_id=order.client_order_id, book=order.book, broker=order.broker,
        symbol=order.symbol, side=order.side.value, quantity=order.quantity,
        order_type=order.order_type.value, time_in_force=order.time_in_force.value,
        limit_price=order.limit_price, stop_price=order.stop_price, status=order.status.value,
        filled_quantity=order.filled_quantity, average_fill_price=order.average_fill_price,
        reason=order.reason, created_at=order.created_at, updated_at=order.updated_at,
        notional=order.notional, replaces=order.replaces, replaced_by=order.replaced_by,
    )  # fmt: skip


def _latest(manager: OrderManager, order: Order) -> Order:
    manager.pump()
    return manager.journal.order(order.client_order_id) or order


def _status(manager: OrderManager, book: str | None) -> TradingStatusOut:
    manager.pump()
    every = manager.journal.orders(book=book)
    fills = manager.journal.fills(book=book).tail(50)
    board = manager.risk.kill_switches
    return TradingStatusOut(
        open_orders=[order_out(o) for o in every if o.is_open],
        recent_orders=[order_out(o) for o in every if not o.is_open][-50:],
        positions=[
            PositionOut(book=b, broker=br, symbol=s, quantity=q)
            for (b, br, s), q in sorted(manager.journal.positions().items())
            if book is None or b == book
        ],
        fills=[_fill_out(row) for row in fills.to_dict("records")],
        health=[_health(name, manager) for name in manager.brokers],
        halted=[s.scope for s in board.all() if s.engaged],
    )


def _health(name: str, manager: OrderManager) -> BrokerHealthOut:
    try:
        health = manager.brokers[name].health()
    except TetraError as error:
        return BrokerHealthOut(broker=name, healthy=False, reason=str(error))
    return BrokerHealthOut(broker=name, healthy=health.healthy, reason=health.reason)


def _fill_out(row: dict[Hashable, object]) -> FillOut:
    return FillOut(
        fill_id=str(row["fill_id"]),
        order_id=str(row["order_id"]),
        book=str(row["book"]),
        symbol=str(row["symbol"]),
        side=str(row["side"]),
        quantity=Decimal(str(row["quantity"])),
        price=Decimal(str(row["price"])),
        commission=Decimal(str(row["commission"])),
        at=pd.Timestamp(str(row["ts_event"])).to_pydatetime(),
    )
