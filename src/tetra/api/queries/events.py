"""Calendar events: earnings (of a symbol, or all) and economic releases, as one list."""

from __future__ import annotations

import datetime as dt

from tetra.api.queries.common import Row, day_bounds, midnight, rows
from tetra.api.schemas.market import MarketEventOut
from tetra.data.ports import Query, Scalar, Store


def events(
    store: Store,
    symbol: str | None,
    days: tuple[dt.date | None, dt.date | None],
    kind: str | None,
) -> list[MarketEventOut]:
    """Return earnings (of `symbol` when given) and, without a symbol, economic events."""
    found: list[MarketEventOut] = []
    if kind in (None, "earnings"):
        where: dict[str, Scalar] = {} if symbol is None else {"symbol": symbol}
        lower, upper = day_bounds(*days, timestamps=False)
        earnings = rows(store, Query("events.earnings", where=where, start=lower, end=upper))
        found += [_earnings_event(r) for r in earnings]
    if kind in (None, "economic") and symbol is None:
        lower, upper = day_bounds(*days, timestamps=True)
        economic = rows(store, Query("events.economic_events", start=lower, end=upper))
        found += [_economic_event(r) for r in economic]
    return sorted(found, key=lambda e: (e.date, e.ts or midnight(e.date), e.kind, e.event))


def _earnings_event(row: Row) -> MarketEventOut:
    period = f" {row['fiscal_period']}" if row["fiscal_period"] else ""
    return MarketEventOut.model_validate(
        {
            **row,
            "kind": "earnings",
            "date": row["report_date"],
            "ts": None,
            "event": f"{row['symbol']} earnings{period}",
        }
    )


def _economic_event(row: Row) -> MarketEventOut:
    return MarketEventOut.model_validate(
        {**row, "kind": "economic", "date": row["ts"].date(), "symbol": None}
    )
