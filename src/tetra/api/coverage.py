"""Build the Data Monitor's coverage answer from a store (blocking; run it in a thread).

Freshness is judged against the store's kind: a live store against today, the sample
against its last generated day (its history ends there by design, so a sample is not
"337 days old"). Each topic has its own cadence (`STALE_AFTER_DAYS`), and economic data is
as fresh as its newest vintage, not its newest observation date (a month's CPI is dated the
1st and published weeks later). The table lists bars (judged against their calendar), each
economic series and each symbol's news.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from tetra.api.schemas.monitor import CoverageResponse, SymbolCoverage, TopicCoverage
from tetra.core.dates import as_date
from tetra.data.ports import CoverageRow, Query, Store
from tetra.data.store_kind import StoreKind
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
# Days after which a topic is stale: a long weekend plus a holiday for daily data, a month
# and a bit for monthly releases and scheduled events; crypto trades every day.
STALE_AFTER_DAYS = {"crypto": 2, "economic_data": 35, "events": 35}
DAILY_STALE_AFTER_DAYS = 4
MACRO = "economic_data.indicators"
NEWS = "news.sentiment"
WHOLE_ARTICLE = "*"


def build_coverage(store: Store, today: dt.date, now: dt.datetime) -> CoverageResponse:
    """Return topic cards and the per-symbol table of `store`."""
    classes = {i.symbol: i.asset_class.value for i in load_universe()}
    spans = {dataset: store.coverage(dataset) for dataset in dict.fromkeys(d for _, d in TOPICS)}
    parts = [(topic, name, _of_topic(topic, spans[name], classes)) for topic, name in TOPICS]
    reference = _reference_day(store, parts, today)
    released = _newest_vintage(store)
    topics = [
        topic_card(topic, dataset, rows, reference, released if dataset == MACRO else None)
        for topic, dataset, rows in parts
    ]
    table = symbol_rows(store, classes) + _feed_rows(spans[MACRO], spans[NEWS], now)
    return CoverageResponse(
        store_kind=store.kind.value,
        generated_at=now,
        reference_day=reference,
        topics=topics,
        symbols=table,
    )


def _of_topic(topic: str, rows: list[CoverageRow], classes: dict[str, str]) -> list[CoverageRow]:
    crypto = AssetClass.CRYPTO.value
    if topic == "market_data":
        return [r for r in rows if classes.get(r.symbol) != crypto]
    if topic == "crypto":
        return [r for r in rows if classes.get(r.symbol) == crypto]
    return rows


def _reference_day(
    store: Store, parts: list[tuple[str, str, list[CoverageRow]]], today: dt.date
) -> dt.date:
    """Today for a live store; for the sample, the last day it generated bars for."""
    if store.kind is not StoreKind.SAMPLE:
        return today
    lasts = [
        as_date(r.last)
        for topic, _, rows in parts
        if topic in ("market_data", "crypto")
        for r in rows
        if r.last is not None
    ]
    return min(max(lasts, default=today), today)


def _newest_vintage(store: Store) -> dt.date | None:
    found = store.read(Query(MACRO, columns=["realtime_start"]))
    return None if found.empty else as_date(found["realtime_start"].max())


def topic_card(
    topic: str,
    dataset: str,
    rows: Iterable[CoverageRow],
    reference: dt.date,
    received: dt.date | None = None,
) -> TopicCoverage:
    """One card; `received` (the newest vintage) stands for `last` when judging freshness."""
    found = list(rows)
    # A nullable time column (say, sentiment without a publication time) can give no range.
    firsts = [as_date(r.first) for r in found if r.first is not None]
    lasts = [as_date(r.last) for r in found if r.last is not None]
    first, last = min(firsts, default=None), max(lasts, default=None)
    newest = received or last
    return TopicCoverage(
        topic=topic,
        dataset=dataset,
        records=sum(r.rows for r in found),
        entities=len({r.symbol for r in found}),
        first=first,
        last=last,
        freshness_days=max((reference - newest).days, 0) if newest and found else None,
        stale_after_days=STALE_AFTER_DAYS.get(topic, DAILY_STALE_AFTER_DAYS),
        sources=sorted({r.source for r in found}),
    )


def symbol_rows(store: Store, classes: dict[str, str]) -> list[SymbolCoverage]:
    """Return the stored per-symbol coverage of bars (``ops.coverage``) with completeness."""
    rows = store.read(Query("ops.coverage")).to_dict(orient="records")
    return [
        SymbolCoverage.model_validate(
            {
                **row,
                "asset_class": classes.get(str(row["symbol"]), "unknown"),
                "records": row["stored"],
                "completeness": row["stored"] / row["expected"] if row["expected"] else 1.0,
                "gaps": json.loads(row["gaps"] or "[]"),
            }
        )
        for row in rows
    ]


def _feed_rows(
    macro: list[CoverageRow], news: list[CoverageRow], now: dt.datetime
) -> list[SymbolCoverage]:
    """One row per economic series and per symbol with news: no calendar to judge them by."""
    feeds = [("macro", r) for r in macro]
    feeds += [("news", r) for r in news if r.symbol != WHOLE_ARTICLE]
    return [
        SymbolCoverage(
            symbol=r.symbol,
            dataset=r.dataset,
            source=r.source,
            asset_class=kind,
            calendar="",
            first=None if r.first is None else as_date(r.first),
            last=None if r.last is None else as_date(r.last),
            records=r.rows,
            expected=None,
            stored=None,
            missing=None,
            completeness=None,
            gaps=[],
            quarantined=0,
            computed_at=now,
        )
        for kind, r in feeds
    ]
