"""Reading a simulation's history from the store, with errors that name the problem.

`load_history` checks the request against the store's coverage before reading: a symbol
the store has never seen, and a window in which a known symbol has no bars, each get
their own message (with what the store does hold), instead of an empty panel failing
later. Prices are total-return adjusted, so splits and dividends are not taken for moves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from tetra.core.errors import ValidationError
from tetra.data.ports import CoverageRow, Store
from tetra.market import Adjustment, MarketData, load_market


def load_history(store: Store, symbols: Sequence[str], start: dt.date, end: dt.date) -> MarketData:
    """Return the bars of `symbols` in [start, end]; raise `ValidationError` naming gaps."""
    if not symbols:
        raise ValidationError("choose at least one symbol")
    if end < start:
        raise ValidationError(f"the window ends ({end}) before it starts ({start})")
    spans = {row.symbol: row for row in store.coverage("market_data.ohlcv")}
    require_known(spans, symbols)
    empty = [s for s in symbols if not _overlaps(spans[s], start, end)]
    if empty:
        held = "; ".join(f"{s} from {_day(spans[s].first)} to {_day(spans[s].last)}" for s in empty)
        raise ValidationError(
            f"no stored bars between {start} and {end} for {', '.join(empty)} "
            f"(the store holds {held})"
        )
    return load_market(store, list(symbols), start, end, adjustment=Adjustment.TOTAL_RETURN)


def require_known(spans: dict[str, CoverageRow], symbols: Sequence[str]) -> None:
    """Raise `ValidationError` naming the symbols the store holds no bars for."""
    unknown = sorted(set(symbols) - set(spans))
    if unknown:
        raise ValidationError(
            f"unknown symbol {', '.join(unknown)}: the store holds no bars for it "
            f"({len(spans)} symbols are stored; `tetra universe list` shows them)"
        )


def store_span(store: Store, symbols: Sequence[str]) -> tuple[dt.date, dt.date]:
    """Return the dates between which every one of `symbols` has bars in the store."""
    spans = {row.symbol: row for row in store.coverage("market_data.ohlcv")}
    require_known(spans, symbols)
    first = max(_day(spans[s].first) for s in symbols)
    last = min(_day(spans[s].last) for s in symbols)
    if last <= first:
        raise ValidationError(f"{', '.join(symbols)} have no stored dates in common")
    return first, last


def _overlaps(row: CoverageRow, start: dt.date, end: dt.date) -> bool:
    return _day(row.first) <= end and _day(row.last) >= start


def _day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value
