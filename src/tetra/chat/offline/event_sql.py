"""Calendar questions in SQL: earnings reports and economic events (FOMC, CPI, GDP...).

"Now" is the store's latest daily bar, never the wall clock: the last report or event is the
latest one dated on or before that day, the next one the first after it. Periods relative to
now ("over the last year") end on that day too.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from tetra.chat.offline.families import Selection
from tetra.chat.offline.parse import ALL_TIME, Period
from tetra.chat.offline.sql import OHLCV, Built, quoted, words
from tetra.chat.offline.trees import DIALECT as _DIALECT
from tetra.chat.offline.trees import select as _select
from tetra.chat.offline.trees import where as _where

__all__ = ["EARNINGS", "ECONOMIC_EVENTS", "earnings", "economic_events"]

EARNINGS = "events.earnings"
ECONOMIC_EVENTS = "events.economic_events"
TODAY = f"(SELECT CAST(MAX(ts) AS DATE) FROM {OHLCV} WHERE interval = '1d')"
_REPORT = ("symbol", "report_date", "fiscal_period", "time_of_day", "eps_estimate", "eps_actual")
_EVENT = ("event", "ts", "importance", "actual", "previous", "unit")
_WHICH = {
    "list": "",
    "last": "the latest {one} dated on or before the store's latest daily bar",
    "next": "the first {one} dated after the store's latest daily bar",
}


def _when(summary: str, column: str) -> str | None:
    if summary == "last":
        return f"{column} <= {TODAY}"
    if summary == "next":
        return f"{column} > {TODAY}"
    return None


def _pick(query: exp.Select, summary: str, key: str, column: str) -> exp.Select:
    """Keep each `key`'s latest (last) or earliest (next) row."""
    if summary not in ("last", "next"):
        return query
    order = f"{column} DESC" if summary == "last" else column
    return query.qualify(
        f"ROW_NUMBER() OVER (PARTITION BY {key} ORDER BY {order}) = 1", dialect=_DIALECT
    )


def _span(period: Period) -> str:
    return "" if period == ALL_TIME else " " + period.describe("the store's", "daily bar")


def earnings(selection: Selection, period: Period, summary: str) -> Built:
    """Earnings reports: each one (`list`), the last or next per symbol, or their count."""
    dated = period.window("report_date", TODAY)
    base = _where(_select().from_(EARNINGS), selection.condition(), *dated)
    who = selection.describe()
    if summary == "count":
        tree = base.select("symbol", "COUNT(*) AS reports", dialect=_DIALECT)
        tree = tree.group_by("symbol", dialect=_DIALECT).order_by("symbol", dialect=_DIALECT)
        what = f"the number of earnings reports of {who}{_span(period)}, per symbol"
    else:
        tree = _where(base.select(*_REPORT, dialect=_DIALECT), _when(summary, "report_date"))
        tree = _pick(tree, summary, "symbol", "report_date")
        tree = tree.order_by("report_date", "symbol", dialect=_DIALECT)
        which = _WHICH[summary].format(one="report")
        what = f"the earnings reports of {who}{_span(period)}"
        if which:
            what = f"{which}, for each of {who}"
        what += (
            ": report date, fiscal period, before the open (bmo) or after the close (amc), "
            "EPS estimate and actual"
        )
    tables = frozenset({EARNINGS, OHLCV}) | selection.tables
    return Built(tree.sql(dialect=_DIALECT, pretty=True), what + ".", tables, tree)


def economic_events(
    events: Sequence[str], period: Period, summary: str, *, importance: str | None = None
) -> Built:
    """Economic calendar events (all, or the named ones): each, the last or next, or a count."""
    named = f"event IN ({quoted(events)})" if events else None
    level = f"importance = {quoted([importance])}" if importance else None
    dated = period.window("CAST(ts AS DATE)", TODAY)
    base = _where(_select().from_(ECONOMIC_EVENTS), named, level, *dated)
    kinds = f"{words(list(events))} events" if events else "economic calendar events"
    if importance:
        kinds = f"{importance}-importance {kinds}"
    if summary == "count":
        tree = base.select("event", "COUNT(*) AS events", dialect=_DIALECT)
        tree = tree.group_by("event", dialect=_DIALECT).order_by("event", dialect=_DIALECT)
        what = f"the number of {kinds}{_span(period)}, per event"
    else:
        tree = _where(base.select(*_EVENT, dialect=_DIALECT), _when(summary, "CAST(ts AS DATE)"))
        tree = _pick(tree, summary, "event", "ts")
        tree = tree.order_by("ts", "event", dialect=_DIALECT)
        which = _WHICH[summary].format(one="event")
        what = f"the {kinds}{_span(period)}" if not which else f"{which} among the {kinds}"
        what += ": scheduled time (UTC), importance, the value released and the previous one"
    tables = frozenset({ECONOMIC_EVENTS, OHLCV})
    return Built(tree.sql(dialect=_DIALECT, pretty=True), what + ".", tables, tree)
