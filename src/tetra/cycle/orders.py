"""From recommendation to order: a session's recommendations as order requests for the OMS.

Each allowed, non-zero recommendation becomes one request whose client order id is derived
from (book, session, symbol) (`tetra.execution.session_client_order_id`), so sending a
session's recommendations twice, by a rerun of the cycle or a second approval, sends nothing
new: the order manager returns the orders it already holds. A `paper` book's recommendations
are sent to the paper broker when its cycle runs (`CycleContext.send_orders`, wired by the
composition roots); a `recommend` book's wait for the user's approval (`tetra trade
approve`), all or some symbols; a `live` book trades only through `tetra trade approve
--live` with its confirmation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from tetra.cycle.decide import Recommendation
from tetra.execution import Order, OrderManager, OrderRequest, Side, session_client_order_id


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
