"""Build the Data Monitor's coverage answer from a store (blocking; run it in a thread)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from tetra.api.schemas.monitor import CoverageResponse, SymbolCoverage, TopicCoverage
from tetra.core.dates import as_date
from tetra.data.ports import CoverageRow, Query, Store
from tetra.data.universe import load_universe
from tetra.model.instruments import AssetClass

TOPICS = (
    ("market_data", "market_data.ohlcv"),
    ("crypto", "market_data.ohlcv"),
    ("economic_data", "economic_data.indicators"),
    ("news", "news.sentiment"),
    ("events", "events.earnings"),
    ("events", "events.economic_events"),
    # per country and day (a card per raw event id would be one entity per event)
    ("geopolitics", "derived.geopolitical_daily"),
    ("social", "derived.social_daily"),
)


def build_coverage(store: Store, today: dt.date, now: dt.datetime) -> CoverageResponse:
    """Return topic cards and the per-symbol table of `store`."""
    crypto = {i.symbol for i in load_universe() if i.asset_class is AssetClass.CRYPTO}
    topics: list[TopicCoverage] = []
    for topic, dataset in TOPICS:
        rows = store.coverage(dataset)
        if topic == "market_data":
            rows = [r for r in rows if r.symbol not in crypto]
        elif topic == "crypto":
            rows = [r for r in rows if r.symbol in crypto]
        topics.append(topic_card(topic, dataset, rows, today))
    return CoverageResponse(
        store_kind=store.kind.value, generated_at=now, topics=topics, symbols=symbol_rows(store)
    )


def topic_card(
    topic: str, dataset: str, rows: Iterable[CoverageRow], today: dt.date
) -> TopicCoverage:
    found = list(rows)
    # A nullable time column (say, sentiment without a publication time) can give no range.
    firsts = [as_date(r.first) for r in found if r.first is not None]
    lasts = [as_date(r.last) for r in found if r.last is not None]
    first, last = min(firsts, default=None), max(lasts, default=None)
    return TopicCoverage(
        topic=topic,
        dataset=dataset,
        records=sum(r.rows for r in found),
        entities=len({r.symbol for r in found}),
        first=first,
        last=last,
        freshness_days=(today - last).days if last else None,
        sources=sorted({r.source for r in found}),
    )


def symbol_rows(store: Store) -> list[SymbolCoverage]:
    """Return the stored per-symbol coverage (``ops.coverage``) with completeness."""
    rows = store.read(Query("ops.coverage")).to_dict(orient="records")
    return [
        SymbolCoverage.model_validate(
            {
                **row,
                "completeness": row["stored"] / row["expected"] if row["expected"] else 1.0,
                "gaps": json.loads(row["gaps"] or "[]"),
            }
        )
        for row in rows
    ]
