"""The pipeline's steps: each fetches from its sources and ingests, symbol by symbol.

A step never raises for one symbol's trouble: any error while fetching, parsing or storing a
symbol's data fails that symbol alone (but a `StoreError`, which every symbol would meet,
stops the run), recorded with the error's class and message; a payload
that cannot be read at all (`MalformedPayload`) is also quarantined whole, with its reason. A
spent quota stops further calls to that source for the rest of the window. Blocking store
calls run in worker threads so fetches keep flowing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from tetra.core.clock import Clock
from tetra.core.errors import MalformedPayload, QuotaExhausted, SourceError, StoreError
from tetra.data.calendars import EQUITY_CALENDAR
from tetra.data.coverage import OHLCV, store_coverage
from tetra.data.ingest import Ingested, ingest, watermarks
from tetra.data.pipeline.plan import Mode, RunPlan, Step, StepStatus
from tetra.data.ports import Store
from tetra.data.quality import QualityWarning
from tetra.data.quarantine import QUARANTINE, quarantine_rows
from tetra.data.sources import (
    BarSource,
    CorporateActionSource,
    EconomicSource,
    EventSource,
    Fetched,
    GeopoliticalSource,
    MarketCapRanking,
    NewsSource,
    PriceSeriesSource,
    RawRecord,
    Window,
)

log = logging.getLogger(__name__)

MAX_ERROR_TEXT = 500  # characters of an error message kept in a run's record
MAX_PAYLOAD_TEXT = 100_000  # characters of an unreadable payload kept in the quarantine

Progress = Callable[[Step, int, int], None]
Scorer = Callable[[Fetched], Fetched | None]


@dataclass(frozen=True)
class Sources:
    """The sources a run draws from; None or empty means the step has nothing to run."""

    bars: BarSource | None = None
    corporate_actions: CorporateActionSource | None = None
    crypto_bars: BarSource | None = None
    price_series: PriceSeriesSource | None = None
    economic: EconomicSource | None = None
    news: tuple[NewsSource, ...] = ()
    events: tuple[EventSource, ...] = ()
    score_news: Scorer | None = None  # local sentiment for articles without a vendor score
    geopolitical: tuple[GeopoliticalSource, ...] = ()
    social: tuple[NewsSource, ...] = ()  # social posts, behind the news port
    ranking: MarketCapRanking | None = None  # keeps the crypto group the top `crypto_top`
    crypto_top: int = 10
    apply_ranking: bool = False  # record membership changes, not only report them


@dataclass
class StepResult:
    """What one step did: rows, quarantined records, failures by symbol, warnings.

    `covered` lists the symbols not fetched because their watermark already covers the window
    (a resumed backfill); they do not make the step partial.
    """

    step: Step
    written: int = 0
    quarantined: int = 0
    covered: list[str] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    warnings: list[QualityWarning] = field(default_factory=list)
    attempted: int = 0
    note: str = ""
    not_run: bool = False

    @property
    def status(self) -> StepStatus:
        if self.not_run:
            return StepStatus.NOT_RUN
        if self.failures and len(self.failures) >= self.attempted:
            return StepStatus.FAILED
        return StepStatus.PARTIAL if self.failures else StepStatus.SUCCESS

    def add(self, done: Ingested) -> None:
        self.written += done.written
        self.quarantined += done.quarantined
        self.warnings += done.warnings


@dataclass
class RunContext:
    """Everything a step needs, shared by the steps of one run."""

    store: Store
    plan: RunPlan
    sources: Sources
    clock: Clock
    run_id: str
    progress: Progress | None = None
    concurrency: int = 8


Fetch = Callable[[str, Window], Awaitable[Fetched | list[Fetched]]]


async def per_symbol(
    ctx: RunContext, step: Step, source: str, dataset: str, symbols: Sequence[str], fetch: Fetch
) -> StepResult:
    """Fetch and ingest each symbol's window, `ctx.concurrency` at a time."""
    result = StepResult(step)
    windows = symbol_windows(ctx, source, dataset, symbols, result)
    result.attempted = len({symbol for symbol, _ in windows})
    gate = asyncio.Semaphore(ctx.concurrency)
    quota: list[str] = []
    done = 0

    async def one(symbol: str, window: Window) -> None:
        nonlocal done
        async with gate:
            await _fetch_one(ctx, result, (source, dataset), symbol, window, fetch, quota)
        done += 1
        if ctx.progress is not None:
            ctx.progress(step, done, len(windows))

    await asyncio.gather(*(one(s, w) for s, w in windows))
    return result


async def _fetch_one(
    ctx: RunContext,
    result: StepResult,
    target: tuple[str, str],
    symbol: str,
    window: Window,
    fetch: Fetch,
    quota: list[str],
) -> None:
    """Fetch and ingest one symbol's window; any error fails this symbol alone."""
    if quota:
        result.failures[symbol] = f"not fetched: {quota[0]}"
        return
    source, dataset = target
    try:
        fetched = await fetch(symbol, window)
        for part in fetched if isinstance(fetched, list) else [fetched]:
            done = await asyncio.to_thread(
                ingest,
                ctx.store,
                part,
                source=source,
                run_id=ctx.run_id,
                now=ctx.clock.now(),
                watermark_symbol=symbol,
                window=window,
            )
            result.add(done)
    except QuotaExhausted as error:
        quota.append(str(error))
        result.failures[symbol] = str(error)
    except MalformedPayload as error:
        result.failures[symbol] = str(error)
        result.quarantined += await asyncio.to_thread(
            quarantine_payload, ctx, target, symbol, error
        )
    except SourceError as error:
        result.failures[symbol] = str(error)
    except StoreError:
        raise  # the store itself is wrong (connection, schema, kind): every symbol would fail
    except Exception as error:
        log.warning("%s %s %s: %s", source, dataset, symbol, describe(error))
        result.failures[symbol] = describe(error)


def quarantine_payload(
    ctx: RunContext, target: tuple[str, str], symbol: str, error: MalformedPayload
) -> int:
    """Quarantine an answer that could not be read at all, whole, with the reason."""
    source, dataset = target
    payload = error.payload[:MAX_PAYLOAD_TEXT] if error.payload else ""
    record = RawRecord(f"unreadable payload: {error}"[:MAX_ERROR_TEXT], payload, symbol)
    rows = quarantine_rows(dataset, source, [record], run_id=ctx.run_id, now=ctx.clock.now())
    ctx.store.upsert(QUARANTINE, rows)
    return len(rows)


def describe(error: BaseException) -> str:
    """Return an error as one bounded line: its class, then its message."""
    text = " ".join(str(error).split())
    name = type(error).__name__
    return (f"{name}: {text}" if text else name)[:MAX_ERROR_TEXT]


def symbol_windows(
    ctx: RunContext, source: str, dataset: str, symbols: Sequence[str], result: StepResult
) -> list[tuple[str, Window]]:
    """Return the (symbol, window) fetches of a step.

    Backfill: the plan's window, skipping symbols whose watermark already covers it (a
    resumed run); with `fill_gaps`, exactly each symbol's missing calendar ranges instead.
    Daily: the recent window, stretched back to the watermark after downtime.
    """
    if ctx.plan.fill_gaps:
        return gap_windows(ctx, source, dataset, symbols)
    marks = {} if ctx.plan.force else watermarks(ctx.store, source, dataset)
    window = ctx.plan.window
    chosen: list[tuple[str, Window]] = []
    for symbol in symbols:
        mark = marks.get(symbol)
        if ctx.plan.mode is Mode.BACKFILL and mark is not None and mark.date() >= window.end:
            result.covered.append(symbol)
            continue
        resumed = _resume_from(window, mark) if ctx.plan.mode is Mode.DAILY else window
        chosen.append((symbol, resumed))
    return chosen


def gap_windows(
    ctx: RunContext, source: str, dataset: str, symbols: Sequence[str]
) -> list[tuple[str, Window]]:
    """Return each symbol's missing ranges inside the plan window (all of it if none stored)."""
    if dataset != OHLCV:
        return [(symbol, ctx.plan.window) for symbol in symbols]
    calendars = {s: ctx.plan.calendars.get(s, EQUITY_CALENDAR) for s in symbols}
    found = {
        c.symbol: c
        for c in store_coverage(ctx.store, calendars, end=ctx.plan.window.end, source=source)
    }
    chosen: list[tuple[str, Window]] = []
    for symbol in symbols:
        coverage = found.get(symbol)
        if coverage is None or coverage.first is None:
            chosen.append((symbol, ctx.plan.window))
            continue
        ranges = list(coverage.gaps)
        if coverage.first > ctx.plan.window.start:
            ranges.insert(0, (ctx.plan.window.start, coverage.first - dt.timedelta(days=1)))
        chosen += [(symbol, w) for w in _clipped(ranges, ctx.plan.window)]
    return chosen


def _clipped(ranges: list[tuple[dt.date, dt.date]], window: Window) -> list[Window]:
    clipped = [(max(a, window.start), min(b, window.end)) for a, b in ranges]
    return [Window(a, b) for a, b in clipped if a <= b]


def _resume_from(window: Window, mark: dt.datetime | None) -> Window:
    """Stretch a daily window back to the day after the watermark, after downtime."""
    if mark is None or mark.date() + dt.timedelta(days=1) >= window.start:
        return window
    return Window(min(mark.date() + dt.timedelta(days=1), window.end), window.end)
