"""The risk gate of a cycle: every recommendation goes through `tetra.risk`'s pre-trade engine.

A book that names a risk policy (``risk_policy = "default"`` for the packaged one, else a
TOML path), or writes one out (`risk_policy_table`, as an approved strategy spec does), has
each recommendation checked in order against its limits, kill switches and order rules, each
allowed one booked into the engine's view of the book so the next check sees it. The
engine's submit-rate limit is left out: recommendations are not submissions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from tetra.core.clock import Clock
from tetra.cycle.decide import RiskGate
from tetra.data.ports import Store
from tetra.data.universe import Universe
from tetra.portfolio import Book, Ledger
from tetra.risk.book import BookSnapshot
from tetra.risk.killswitch import KillSwitchBoard
from tetra.risk.orders import OrderIntent, Side
from tetra.risk.policy import RiskPolicy, default_policy, load_policy, parse_policy
from tetra.risk.pretrade import PreTradeEngine


def book_policy(book: Book, universe: Universe | None = None) -> RiskPolicy | None:
    """Return the policy `book` names or writes out, without the submit-rate limit; None if
    it has none."""
    if book.risk_policy_table:
        source = f"book {book.name}: risk_policy_table"
        found = parse_policy(book.risk_policy_table, universe=universe, source=source)
    elif book.risk_policy is None:
        return None
    elif book.risk_policy == "default":
        found = default_policy()
    else:
        found = load_policy(Path(book.risk_policy), universe=universe)
    orders = found.orders.model_copy(update={"max_submits": None})
    return found.model_copy(update={"orders": orders})


def policy_gate(
    book: Book,
    session: dt.date,
    ledger: Ledger,
    marks: Mapping[str, Decimal],
    *,
    store: Store,
    clock: Clock,
    universe: Universe | None = None,
) -> RiskGate | None:
    """Return a gate checking `book`'s recommendations, or None when it names no policy."""
    policy = book_policy(book, universe)
    if policy is None:
        return None
    engine = PreTradeEngine(
        policy, clock=clock, kill_switches=KillSwitchBoard(store, clock), universe=universe
    )
    value = ledger.valuation(marks)
    held = {s: p.quantity for s, p in ledger.positions.items()}
    engine.set_book(book.name, BookSnapshot(value.equity, value.cash, held, dict(marks)))

    def gate(symbol: str, quantity: Decimal, price: Decimal) -> dict[str, Any]:
        intent = OrderIntent(
            client_order_id=f"cycle:{book.name}:{session.isoformat()}:{symbol}",
            book=book.name,
            symbol=symbol,
            side=Side.BUY if quantity > 0 else Side.SELL,
            quantity=abs(quantity),
        )
        decision = engine.check(intent)
        if decision.allowed:
            engine.apply_fill(book.name, symbol, quantity, price)
        code = None if decision.code is None else str(decision.code.value)
        return {"allowed": decision.allowed, "code": code, "reason": decision.reason}

    return gate
