"""From recommendation to order: a session's recommendations as order requests for the OMS.

Each allowed, non-zero recommendation becomes one request, carrying the recommendation's
price as its decision price (booked with its fills, for slippage), whose client order id is
derived from (book, session, symbol) (`tetra.execution.session_client_order_id`), so sending a
session's recommendations twice, by a rerun of the cycle or a second approval, sends nothing
new: the order manager returns the orders it already holds. A `paper` book's recommendations
are sent to the paper broker when its cycle runs (`CycleContext.send_orders`, wired by the
composition roots); a `recommend` book's wait for the user's approval (`tetra trade
approve`), all or some symbols; a `live` book trades only through `tetra trade approve
--live` with its confirmation. `pending_approvals` lists what a recommend book's latest
session still waits for (the web app's Orders page approves through the API).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from tetra.cycle.decide import Recommendation
from tetra.cycle.records import read_recommendations, runs
from tetra.data.ports import Store
from tetra.execution import (
    ExecutionJournal,
    Order,
    OrderManager,
    OrderRequest,
    Side,
    session_client_order_id,
)


def order_requests(
    book: str,
    session: dt.date,
    recommendations: Sequence[Recommendation],
    symbols: Collection[str] = (),
) -> list[OrderRequest]:
    """Return the requests of the allowed, non-zero recommendations (of `symbols` if given)."""
    return [
        OrderRequest(
            book,
            r.symbol,
            Side.BUY if r.quantity > 0 else Side.SELL,
            abs(r.quantity),
            client_order_id=session_client_order_id(book, session.isoformat(), r.symbol),
            decision_price=r.price,
        )
        for r in recommendations
        if r.allowed and r.quantity and (not symbols or r.symbol in symbols)
    ]


def send_recommendations(
    manager: OrderManager,
    book: str,
    session: dt.date,
    recommendations: Sequence[Recommendation],
    symbols: Collection[str] = (),
) -> list[Order]:
    """Send a session's recommendations through `manager`; orders sent before are returned."""
    placed = manager.submit_many(order_requests(book, session, recommendations, symbols))
    manager.pump()
    return [manager.journal.order(o.client_order_id) or o for o in placed]


@dataclass(frozen=True)
class PendingApproval:
    """A recommendation of a book's latest session waiting for the user, with its order's id."""

    book: str
    session: dt.date
    recommendation: Recommendation
    client_order_id: str


def pending_approvals(store: Store, journal: ExecutionJournal, book: str) -> list[PendingApproval]:
    """Return `book`'s latest successful session's allowed recommendations not sent yet."""
    done = [run for run in runs(store, book) if run.status == "done"]
    if not done:
        return []
    session = done[-1].session
    found = read_recommendations(store, book, session)
    requests = {r.symbol: r for r in order_requests(book, session, found)}
    sent = journal.orders_by_id(str(r.client_order_id) for r in requests.values())
    return [
        PendingApproval(book, session, rec, str(requests[rec.symbol].client_order_id))
        for rec in found
        if rec.symbol in requests and requests[rec.symbol].client_order_id not in sent
    ]
