"""The pipeline's steps for the world around the markets: geopolitics, social, the crypto top ten.

- `geopolitical`: each geopolitical source's batches (GDELT: a day of 15-minute files; GPR:
  the daily file), from the source's watermark on; after each batch the watermark moves to
  what the batch read, so a killed run resumes there. GDELT days touched are re-folded into
  derived.geopolitical_daily from the stored events; GPR rows are kept only where new or revised.
- `social_sentiment`: social sources behind the news port, scored locally like news, then
  folded per symbol and day into derived.social_daily. Without credentials there is no
  source and the step says so; it never fails for that.
- `crypto_universe`: CoinGecko's market-cap ranking against the recorded membership of the
  crypto group: changes are reported, and recorded when `Sources.apply_ranking` is set.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

import pandas as pd

from tetra.core.errors import SourceError
from tetra.data.geopolitics import daily_index, gpr_vintages
from tetra.data.ingest import advance_watermark, ingest, watermark
from tetra.data.membership import (
    MEMBERSHIP,
    open_members,
    ranking_changes,
    seed_rows,
)
from tetra.data.pipeline.plan import Mode, Step
from tetra.data.pipeline.steps import RunContext, StepResult
from tetra.data.ports import Query
from tetra.data.social import social_daily, social_mask
from tetra.data.sources import Batch, Fetched, GeopoliticalSource, RankedAsset, Window

WholeWindow = Callable[[list[str], Window], Awaitable[list[Fetched]]]


class FetchAll(Protocol):
    """The runner's fetch of sources that take all symbols at once (news-like sources)."""

    def __call__(
        self, ctx: RunContext, step: Step, calls: list[tuple[str, WholeWindow]], *, score: bool
    ) -> Awaitable[StepResult]: ...


EVENTS = "events.geopolitical"
INDICATORS = "economic_data.indicators"
GEO_INDEX = "derived.geopolitical_daily"
SOCIAL_DAILY = "derived.social_daily"
CRYPTO_GROUP = "crypto"


async def geopolitical(ctx: RunContext) -> StepResult:
    sources = ctx.sources.geopolitical
    if not sources:
        return _not_run(Step.GEOPOLITICAL, "no geopolitical source configured")
    result = StepResult(Step.GEOPOLITICAL, attempted=len(sources))
    for source in sources:
        try:
            await _one_geo_source(ctx, source, result)
        except SourceError as error:
            result.failures[source.name] = str(error)
    return result


async def _one_geo_source(ctx: RunContext, source: GeopoliticalSource, result: StepResult) -> None:
    since = None if ctx.plan.force else watermark(ctx.store, source.name, _marked(source), "*")
    if ctx.plan.mode is Mode.BACKFILL and since is not None and since.date() >= ctx.plan.window.end:
        result.covered.append(source.name)
        return
    notes: list[str] = []
    async for batch in source.batches(ctx.plan.window, since):
        await asyncio.to_thread(_store_batch, ctx, source.name, batch, result)
        if batch.note:
            notes.append(batch.note)
    result.note = "; ".join([result.note, *notes[:5]]).strip("; ")


def _store_batch(ctx: RunContext, name: str, batch: Batch, result: StepResult) -> None:
    now = ctx.clock.now()
    for part in batch.fetched:
        if part.dataset == INDICATORS:
            part = Fetched(part.dataset, _revised_only(ctx, part.rows, now.date()), part.unparsed)
        result.add(ingest(ctx.store, part, source=name, run_id=ctx.run_id, now=now))
        if part.dataset == EVENTS and not part.rows.empty:
            _refold(ctx, name, part.rows, result)
    dataset = batch.fetched[0].dataset if batch.fetched else EVENTS
    advance_watermark(ctx.store, name, dataset, "*", batch.through, ctx.run_id, now)


def _marked(source: GeopoliticalSource) -> str:
    return INDICATORS if source.name in ("gpr",) else EVENTS


def _revised_only(ctx: RunContext, fresh: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    if fresh.empty:
        return fresh
    where = {
        "series_id": sorted(fresh["series_id"].unique()),
        "source": str(fresh["source"].iloc[0]),
    }
    stored = ctx.store.read(Query(INDICATORS, where=where))
    return gpr_vintages(fresh, stored, today)


def _refold(ctx: RunContext, name: str, fresh: pd.DataFrame, result: StepResult) -> None:
    """Recompute the index of every day the fresh events touch, from all stored events."""
    days = pd.to_datetime(fresh["added_at"], utc=True)
    start = days.min().normalize().to_pydatetime()
    end = (days.max().normalize() + pd.Timedelta(days=1)).to_pydatetime()
    stored = ctx.store.read(Query(EVENTS, where={"source": name}, start=start, end=end))
    index = daily_index(stored, name)
    if not index.empty:
        result.written += ctx.store.upsert(GEO_INDEX, index)


async def social_sentiment(ctx: RunContext, fetch_all: FetchAll) -> StepResult:
    """Fetch and score posts with the runner's whole-window fetch, then fold them per day."""
    calls: list[tuple[str, WholeWindow]] = [(s.name, s.news) for s in ctx.sources.social]
    if not calls:
        return _not_run(
            Step.SOCIAL,
            "no social source: set TETRA_REDDIT__CLIENT_ID and TETRA_REDDIT__CLIENT_SECRET",
        )
    result = await fetch_all(ctx, Step.SOCIAL, calls, score=True)
    for name, _ in calls:
        result.written += await asyncio.to_thread(_fold_social, ctx, name)
    return result


def _fold_social(ctx: RunContext, name: str) -> int:
    window = ctx.plan.window
    start = dt.datetime.combine(window.start, dt.time(), dt.UTC)
    end = dt.datetime.combine(window.end, dt.time(), dt.UTC) + dt.timedelta(days=1)
    posts = ctx.store.read(Query("news.articles", where={"source": name}, start=start, end=end))
    posts = posts[social_mask(posts)] if not posts.empty else posts  # the sample's news too
    if posts.empty:
        return 0
    where = {"article_id": list(posts["article_id"]), "symbol": "*"}
    scores = ctx.store.read(Query("news.sentiment", where=where))
    daily = social_daily(posts, scores, name)
    return ctx.store.upsert(SOCIAL_DAILY, daily) if not daily.empty else 0


async def crypto_universe(ctx: RunContext) -> StepResult:
    source = ctx.sources.ranking
    if source is None:
        return _not_run(Step.CRYPTO_UNIVERSE, "no market-cap ranking source")
    result = StepResult(Step.CRYPTO_UNIVERSE, attempted=1)
    size = ctx.sources.crypto_top
    try:
        ranking = await source.ranking(size)
    except SourceError as error:
        result.failures[source.name] = str(error)
        return result
    if not ranking:
        result.failures[source.name] = "the ranking is empty"
        return result
    await asyncio.to_thread(_membership, ctx, source.name, ranking, size, result)
    return result


def _membership(
    ctx: RunContext, vendor: str, ranking: Sequence[RankedAsset], size: int, result: StepResult
) -> None:
    today = ctx.clock.now().date()
    current = open_members(ctx.store, CRYPTO_GROUP)
    if current.empty and ctx.plan.crypto:
        seeded = seed_rows(CRYPTO_GROUP, ctx.plan.crypto, vendor)
        result.written += ctx.store.upsert(MEMBERSHIP, seeded)
        current = seeded
    changes = ranking_changes(current, ranking, CRYPTO_GROUP, today, vendor)
    complete = len(ranking) >= size  # a short ranking is reported, never applied
    applied = ctx.sources.apply_ranking and complete and not changes.rows.empty
    if applied:
        result.written += ctx.store.upsert(MEMBERSHIP, changes.rows)
    verb = "recorded" if applied else "reported only (set TETRA_CRYPTO_UNIVERSE__APPLY=true)"
    if not complete:
        verb = f"not applied: the ranking has {len(ranking)} of {size} coins"
    result.note = f"crypto top {size}: {changes.summary}"
    if changes.joined or changes.left:
        result.note += f" ({verb})"


def _not_run(step: Step, note: str) -> StepResult:
    return StepResult(step, note=note, not_run=True)
