"""The daily cycle and its replay.

Map: `run_cycle` runs one book at one session on the stored data (bars up to that close);
`replay` runs it session by session over a window, reading the store once and handing each
day only the rows up to its close. Both go through `cycle_day`: paper fills of yesterday's
recommendations at today's open (paper books), the ledger as of today, the sleeves, the
recommendations with reasoning and risk verdicts, the valuation, and one stored run per
(book, session). A failure is recorded as a failed run before it is raised.

The sleeves' backtests start at the book's *anchor*: the anchor of its first recorded run,
else `warmup_days` before the session. A fixed anchor makes every day's sleeve the same
backtest cut at that day, so a replay follows the book's backtest over the window.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tetra.core.clock import Clock
from tetra.core.errors import ValidationError
from tetra.core.telemetry import telemetry
from tetra.cycle.decide import Recommendation, price_of, recommend
from tetra.cycle.members import book_members
from tetra.cycle.metrics import publish_book_metrics
from tetra.cycle.paper import paper_fills
from tetra.cycle.records import (
    RunRecord,
    first_run,
    previous_run,
    read_recommendations,
    save_run,
)
from tetra.cycle.risk_gate import book_policy, policy_gate
from tetra.cycle.sleeves import (
    Registry,
    Sleeve,
    SpecInputsOf,
    book_sizing,
    check_book,
    run_sleeves,
    session_of,
)
from tetra.data.ports import Store
from tetra.data.universe import Universe
from tetra.market import MarketData, load_market
from tetra.model.instruments import AssetClass
from tetra.portfolio import BookMode, BookStore, BookVersion, Fill, Valuation, ledger_as_of
from tetra.simulation.orders import TradingRules
from tetra.strategy.spec import SpecInputs, StrategySpec
from tetra.strategy_chat.service import StoreMarketSource

OPEN_UTC = dt.time(14, 30)


@dataclass
class CycleContext:
    """What a cycle needs: the store, the books, the strategy library, a clock, the universe."""

    store: Store
    books: BookStore
    registry: Registry
    clock: Clock
    universe: Universe | None = None
    warmup_days: int = 400
    # set by the composition roots: sends a `paper` book's recommendations to the paper
    # broker through the order manager after `run_cycle` (never in a replay); see cycle.orders
    send_orders: Callable[[CycleResult], object] | None = None


@dataclass(frozen=True)
class CycleResult:
    """One book's cycle at one session: what it recommends, booked and is worth."""

    version: BookVersion
    session: dt.date
    anchor: dt.date
    recommendations: list[Recommendation]
    valuation: Valuation
    fills: list[Fill]
    summary: dict[str, Any] = field(repr=False)
    sleeves: list[Sleeve] = field(repr=False)
    market: MarketData = field(repr=False)


def run_cycle(ctx: CycleContext, name: str, session: dt.date | None = None) -> CycleResult:
    """Run book `name` at `session` (default: the last stored close of its symbols)."""
    version = _version(ctx, name)
    day = session or latest_session(ctx.store, list(version.book.symbols))
    anchor = _anchor(ctx, name, day)
    try:
        market = _market(ctx, version, anchor, day)
    except ValidationError as error:
        _record_failure(ctx, version, day, anchor, error)
        raise
    result = cycle_day(ctx, version, anchor, market)
    if ctx.send_orders is not None and version.book.mode is BookMode.PAPER:
        ctx.send_orders(result)
    return result


def replay(ctx: CycleContext, name: str, start: dt.date, end: dt.date) -> Iterator[CycleResult]:
    """Run book `name` at every session in [start, end] as if live, oldest first."""
    if end < start:
        raise ValidationError(f"the replay ends ({end}) before it starts ({start})")
    version = _version(ctx, name)
    anchor = _anchor(ctx, name, start)
    full = load_market(ctx.store, list(version.book.symbols), anchor, end)
    days = full.dates.astype("datetime64[D]")
    rows = np.flatnonzero((days >= np.datetime64(start)) & (days <= np.datetime64(end)))
    if rows.size == 0:
        raise ValidationError(f"no stored sessions between {start} and {end} for book {name!r}")
    for t in rows:
        yield cycle_day(ctx, version, anchor, full.window(0, int(t) + 1))


def cycle_day(
    ctx: CycleContext, version: BookVersion, anchor: dt.date, market: MarketData
) -> CycleResult:
    """Run the cycle on `market`, whose last row is the session (see the module docstring)."""
    session = session_of(market)
    book = {"book": version.book.name}
    started = time.perf_counter()
    try:
        result = _cycle_day(ctx, version, anchor, market, session)
    except Exception as error:
        _record_failure(ctx, version, session, anchor, error)
        telemetry().increment("tetra_cycle_runs", {**book, "status": "failed"})
        raise
    telemetry().increment("tetra_cycle_runs", {**book, "status": "done"})
    telemetry().observe("tetra_cycle_seconds", book, time.perf_counter() - started)
    return result


def _cycle_day(
    ctx: CycleContext, version: BookVersion, anchor: dt.date, market: MarketData, session: dt.date
) -> CycleResult:
    book = version.book
    fills = _paper_fills(ctx, version, market, session) if book.mode is BookMode.PAPER else []
    ledger = ledger_as_of(ctx.books, book, session)
    closes = _closes(market)
    marks = {s: price_of(c) for s, c in zip(market.symbols, closes, strict=True) if np.isfinite(c)}
    sizing = book_sizing(book, book_policy(book, ctx.universe))
    members = book_members(ctx.store, book.symbols, session)  # as the history stood that day
    sleeves = run_sleeves(
        book, market, ctx.registry, _rules(ctx, book.symbols), sizing, _spec_inputs(ctx),
        members.membership,
    )  # fmt: skip
    gate = policy_gate(
        book, session, ledger, marks, store=ctx.store, clock=ctx.clock, universe=ctx.universe
    )
    recommendations = recommend(
        sleeves, ledger, closes, fractional=_fractional(ctx, book.symbols), gate=gate,
        outside=members.outside,
    )  # fmt: skip
    valuation = ledger.valuation(marks)
    summary = _summary(valuation, ledger.positions, sleeves, fills)
    summary["marks"] = {s: str(m) for s, m in sorted(marks.items())}
    run = RunRecord(
        book.name,
        session,
        version.version,
        anchor,
        "done",
        valuation.equity,
        valuation.cash,
        summary,
        None,
        ctx.clock.now(),
    )
    save_run(ctx.store, run, recommendations)
    publish_book_metrics(
        ctx.store,
        book,
        session,
        ledger,
        marks,
        policy=book_policy(book, ctx.universe),
        clock=ctx.clock,
        universe=ctx.universe,
    )
    return CycleResult(
        version, session, anchor, recommendations, valuation, fills, summary, sleeves, market
    )


def _spec_inputs(ctx: CycleContext) -> SpecInputsOf:
    """Read a spec sleeve's economic series and event dates from the store, as its evidence
    did (`StoreMarketSource.inputs`)."""
    source = StoreMarketSource(ctx.store)

    def inputs(spec: StrategySpec) -> SpecInputs:
        return source.inputs(spec)[0]

    return inputs


def latest_session(store: Store, symbols: list[str]) -> dt.date:
    """Return the last date any of `symbols` has a stored daily bar."""
    coverage = [c for c in store.coverage() if c.symbol in set(symbols)]
    if not coverage:
        raise ValidationError(f"no stored bars for {', '.join(symbols)}")
    last = max(c.last for c in coverage)
    return last.date() if isinstance(last, dt.datetime) else last


def _version(ctx: CycleContext, name: str) -> BookVersion:
    version = ctx.books.book(name)
    if version is None:
        known = ", ".join(v.name for v in ctx.books.books()) or "none"
        raise ValidationError(f"no book named {name!r}; books: {known}")
    known_symbols = (
        set(ctx.universe.symbols) if ctx.universe is not None else set(version.book.symbols)
    )
    check_book(version.book, ctx.registry, known_symbols)
    return version


def _anchor(ctx: CycleContext, name: str, session: dt.date) -> dt.date:
    first = first_run(ctx.store, name)
    if first is not None and first.anchor <= session:
        return first.anchor
    return session - dt.timedelta(days=ctx.warmup_days)


def _market(ctx: CycleContext, version: BookVersion, anchor: dt.date, day: dt.date) -> MarketData:
    market = load_market(ctx.store, list(version.book.symbols), anchor, day)
    if market.shape[0] == 0 or session_of(market) != day:
        raise ValidationError(f"no bars on {day} for book {version.name!r}: is {day} a session?")
    return market


def _paper_fills(
    ctx: CycleContext, version: BookVersion, market: MarketData, session: dt.date
) -> list[Fill]:
    before = previous_run(ctx.store, version.name, session)
    if before is None:
        return []
    pending = read_recommendations(ctx.store, version.name, before.session)
    opens = dict(zip(market.symbols, market.open[-1].tolist(), strict=True))
    at = dt.datetime.combine(session, OPEN_UTC, dt.UTC)
    fills = paper_fills(version.name, before.session, pending, opens, session, at)
    ctx.books.record_fills(version.name, fills)
    return fills


def _closes(market: MarketData) -> np.ndarray:
    close = market.close
    seen = np.where(np.isfinite(close), np.arange(close.shape[0])[:, None], -1).max(axis=0)
    picked = close[np.maximum(seen, 0), np.arange(close.shape[1])]
    return np.where(seen >= 0, picked, np.nan)


def _fractional(ctx: CycleContext, symbols: tuple[str, ...]) -> bool:
    if ctx.universe is None:
        return False
    return any(
        s in ctx.universe and ctx.universe.get(s).asset_class is AssetClass.CRYPTO for s in symbols
    )


def _rules(ctx: CycleContext, symbols: tuple[str, ...]) -> TradingRules:
    return TradingRules(fractional=_fractional(ctx, symbols))


def _summary(
    valuation: Valuation, positions: Any, sleeves: list[Sleeve], fills: list[Fill]
) -> dict[str, Any]:
    return {
        "valuation": {k: str(getattr(valuation, k)) for k in valuation.__slots__},
        "positions": {
            s: {"quantity": str(p.quantity), "cost": str(p.cost)}
            for s, p in sorted(positions.items())
        },
        "sleeves": {s.allocation.label: float(s.result.output.equity[-2]) for s in sleeves},
        "fills": [f.fill_id for f in fills],
    }


def _record_failure(
    ctx: CycleContext, version: BookVersion, session: dt.date, anchor: dt.date, error: Exception
) -> None:
    run = RunRecord(
        version.name,
        session,
        version.version,
        anchor,
        "failed",
        None,
        None,
        {},
        f"{type(error).__name__}: {error}",
        ctx.clock.now(),
    )
    save_run(ctx.store, run, [])
