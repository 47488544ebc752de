"""Paper fills: yesterday's allowed recommendations filled at today's open, fees in Decimal.

This is how the sleeves' backtests execute (orders decided at a close fill at the next
bar's open, one basis point of commission), so a paper book follows its backtest. A
symbol without an open today is not filled; its recommendation is simply not repeated, as
the next cycle recomputes the orders from the targets.

These fills are a paper book's ledger, its one source of truth: the orders the cycle also
sends to the paper broker (`tetra.cycle.orders`) fill there at the latest close and stay in
the execution journal; the order manager books no paper book's fills into its ledger
(`tetra.execution.booking`), so each decision is booked once, as the backtest books it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal

from tetra.cycle.decide import PRICE_PLACES, Recommendation, price_of
from tetra.cycle.sleeves import FEE_BASIS_POINTS
from tetra.portfolio import Fill

FEE_RATE = Decimal(str(FEE_BASIS_POINTS)) / Decimal(10_000)


def paper_fills(
    book: str,
    decided: dt.date,
    recommendations: Sequence[Recommendation],
    opens: Mapping[str, float],
    session: dt.date,
    at: dt.datetime,
) -> list[Fill]:
    """Fill `recommendations` decided on `decided` at `session`'s opens (ids are stable)."""
    fills = []
    for rec in recommendations:
        price = opens.get(rec.symbol, math.nan)
        if not rec.allowed or not math.isfinite(price):
            continue
        fill_price = price_of(price)
        fee = (abs(rec.quantity) * fill_price * FEE_RATE).quantize(PRICE_PLACES)
        fills.append(
            Fill(
                fill_id=f"paper:{book}:{decided.isoformat()}:{rec.symbol}",
                at=at,
                session=session,
                symbol=rec.symbol,
                quantity=rec.quantity,
                price=fill_price,
                fee=fee,
                strategy=",".join(r["strategy"] for r in rec.reasoning),
                decision_price=rec.price,
            )
        )
    return fills
