"""What the cycle keeps: one run row per (book, session) and its recommendations.

Rerunning a session replaces its rows (the recommendations of a symbol no longer
recommended are removed by rewriting the session: stale rows are marked with zero
quantity and `allowed = false`, never left looking live).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from tetra.cycle.decide import Recommendation
from tetra.data.ports import Query, Store

RUNS, RECOMMENDATIONS = "cycle.runs", "cycle.recommendations"
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class RunRecord:
    """A stored cycle run."""

    book: str
    session: dt.date
    book_version: int
    anchor: dt.date
    status: str
    equity: Decimal | None
    cash: Decimal | None
    summary: dict[str, Any]
    error: str | None
    ran_at: dt.datetime


def save_run(store: Store, run: RunRecord, recommendations: list[Recommendation]) -> None:
    """Store a run and its recommendations, replacing an earlier run of the same session."""
    stale = [
        r
        for r in read_recommendations(store, run.book, run.session)
        if r.symbol not in {x.symbol for x in recommendations}
    ]
    rows = [_recommendation_row(run, r) for r in recommendations]
    rows += [_recommendation_row(run, _withdrawn(r)) for r in stale]
    if rows:
        store.upsert(RECOMMENDATIONS, pd.DataFrame(rows))
    store.upsert(RUNS, pd.DataFrame([_run_row(run)]))


def read_run(store: Store, book: str, session: dt.date) -> RunRecord | None:
    rows = _runs(store, book, session, session)
    return rows[-1] if rows else None


def runs(
    store: Store, book: str, start: dt.date | None = None, end: dt.date | None = None
) -> list[RunRecord]:
    """Return a book's runs with sessions in [start, end], oldest first."""
    return _runs(store, book, start, end)


def first_run(store: Store, book: str) -> RunRecord | None:
    found = _runs(store, book, None, None)
    return found[0] if found else None


def previous_run(store: Store, book: str, session: dt.date) -> RunRecord | None:
    """Return the latest successful run before `session`."""
    found = [r for r in _runs(store, book, None, session - ONE_DAY) if r.status == "done"]
    return found[-1] if found else None


def read_recommendations(store: Store, book: str, session: dt.date) -> list[Recommendation]:
    query = Query(RECOMMENDATIONS, where={"book": book, "session": session})
    rows = store.read_arrow(query).to_pylist()
    return [_recommendation(row) for row in rows if row["quantity"] != 0]


def _runs(store: Store, book: str, start: dt.date | None, end: dt.date | None) -> list[RunRecord]:
    query = Query(
        RUNS,
        where={"book": book},
        start=start,
        end=None if end is None else end + ONE_DAY,
    )
    rows = store.read_arrow(query).to_pylist()
    return sorted((_run(row) for row in rows), key=lambda r: r.session)


def _run_row(run: RunRecord) -> dict[str, object]:
    return {
        "book": run.book,
        "session": run.session,
        "book_version": run.book_version,
        "anchor": run.anchor,
        "status": run.status,
        "equity": run.equity,
        "cash": run.cash,
        "summary": json.dumps(run.summary, sort_keys=True),
        "error": run.error,
        "ran_at": run.ran_at,
        "source": "tetra",
    }


def _run(row: dict[str, Any]) -> RunRecord:
    return RunRecord(
        row["book"],
        row["session"],
        int(row["book_version"]),
        row["anchor"],
        row["status"],
        row["equity"],
        row["cash"],
        json.loads(row["summary"]) if row["summary"] else {},
        row["error"],
        row["ran_at"],
    )


def _recommendation_row(run: RunRecord, rec: Recommendation) -> dict[str, object]:
    return {
        "book": run.book,
        "session": run.session,
        "symbol": rec.symbol,
        "quantity": rec.quantity,
        "held": rec.held,
        "target": rec.target,
        "price": rec.price,
        "allowed": rec.allowed,
        "reasoning": json.dumps(list(rec.reasoning), sort_keys=True),
        "risk": json.dumps(rec.risk, sort_keys=True),
        "source": "tetra",
    }


def _recommendation(row: dict[str, Any]) -> Recommendation:
    return Recommendation(
        row["symbol"],
        _plain(row["quantity"]),
        _plain(row["held"]),
        _plain(row["target"]),
        _plain(row["price"]),
        tuple(json.loads(row["reasoning"])),
        json.loads(row["risk"]),
    )


def _withdrawn(rec: Recommendation) -> Recommendation:
    risk = {"allowed": False, "reason": "withdrawn by a rerun of the session"}
    return Recommendation(rec.symbol, Decimal(0), rec.held, rec.held, rec.price, (), risk)


def _plain(value: Decimal) -> Decimal:
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal
