"""Build the start- and end-of-day reports of a cycle run (payload: `tetra.reports.daily`).

Both come from the run of one session: the start-of-day report (sent the next morning)
leads with the recommendations and their reasoning; the end-of-day report with the day's
P&L from the ledger (total = realised + unrealised change - fees, exactly; by position the
change of value less the day's cash flows, which sums to the total), fills against their
decision prices, and what is pending for tomorrow. Curves and risk numbers come from the
book's backtest (its sleeves summed), the benchmark from the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import numpy as np

from tetra.core.errors import ValidationError
from tetra.cycle.at_risk import (
    checked_lines,
    headroom_lines,
    nearest_stop,
    opened_sessions,
    stop_rules,
)
from tetra.cycle.day_ahead import calendar_lines, news_lines, report_day
from tetra.cycle.decide import Recommendation
from tetra.cycle.records import RunRecord, previous_run, runs
from tetra.cycle.risk_gate import book_policy
from tetra.cycle.runner import CycleContext, CycleResult
from tetra.data.geopolitics import CAMEO_ROOTS, WorldDay, world_on
from tetra.execution import ExecutionJournal
from tetra.market import load_market
from tetra.monitoring.run_issues import pipeline_status, run_issues
from tetra.portfolio import Fill, Position
from tetra.reports.daily import (
    AtRiskLine,
    CurvePoint,
    DailyReport,
    FillLine,
    IndicatorLine,
    Mover,
    OpenOrderLine,
    PnlSplit,
    PositionLine,
    Reason,
    RecommendationLine,
    ReportKind,
    RiskBlock,
    Valuation,
    WorldLine,
)
from tetra.risk.killswitch import KillSwitchBoard

ZERO = Decimal(0)
CURVE_SESSIONS = 250
MOVERS = 10
ISSUE_DAYS = dt.timedelta(days=7)  # a report lists the failed and missed runs of the week before
ONE_DAY = dt.timedelta(days=1)


def build_report(ctx: CycleContext, result: CycleResult, kind: ReportKind) -> DailyReport:
    """Return the `kind` report of `result` (see the module docstring)."""
    book = result.version.book
    before = previous_run(ctx.store, book.name, result.session)
    fills = ctx.books.fills(
        book.name, after=None if before is None else before.session, through=result.session
    )
    valuation = _valuation(result)
    positions = _positions(result, before, fills)
    curve = _curve(ctx, result)
    pnl = _pnl(result, before)
    day = report_day(result.session)
    held = {s for s, p in _held(result).items() if p.quantity != 0}
    calendar = calendar_lines(ctx.store, day, book.symbols, held)
    earnings = {c.symbol for c in calendar if c.kind == "earnings" and c.symbol}
    checked = _checked(ctx, result, earnings)
    report = DailyReport(
        kind=kind,
        book=book.name,
        session=result.session,
        generated_at=ctx.clock.now(),
        mode=book.mode.value,
        benchmark=book.benchmark,
        summary="",
        valuation=valuation,
        pnl=pnl,
        pnl_by_strategy=_sleeve_pnl(result),
        positions=positions,
        fills=[_fill_line(f) for f in fills if f.session == result.session],
        recommendations=[_recommendation_line(r) for r in result.recommendations],
        movers=_movers(result),
        risk=_risk(ctx, result, curve, positions, pnl, before),
        curve=curve,
        data_quality=pipeline_status(ctx.store, result.session) + _data_quality(result),
        warnings=_warnings(ctx, result, before),
        world=world_lines(world_on(ctx.store, result.session)),
        day=day,
        calendar=calendar,
        news=news_lines(ctx.store, result.session, held),
        at_risk=[line for line in checked if line.reasons],
        stops=stop_rules(book),
        nearest_stop=nearest_stop(checked),
        run_issues=run_issues(
            ctx.store,
            result.session - ISSUE_DAYS,
            result.session - ONE_DAY,
            [book.name],
            now=ctx.clock.now(),
        ),
        open_orders=open_orders(ctx, book.name),
    )
    return report.model_copy(update={"summary": summary_of(report)})


def summary_of(report: DailyReport) -> str:
    """Return the templated summary paragraph, written only from the report's numbers."""
    v = report.valuation
    parts = [
        f"{report.book} ({report.mode}) is worth {v.equity:,.2f} at the {report.session} close"
    ]
    if report.pnl is not None:
        p = report.pnl
        parts.append(
            f"the day made {p.total:+,.2f} (realised {p.realised:+,.2f}, unrealised "
            f"{p.unrealised_change:+,.2f}, fees {p.fees:,.2f})"
        )
    allowed = [r for r in report.recommendations if r.allowed]
    blocked = len(report.recommendations) - len(allowed)
    orders = f"{len(allowed)} order(s) recommended for the next session"
    parts.append(orders + (f", {blocked} blocked by risk limits" if blocked else ""))
    if report.risk.drawdown is not None:
        parts.append(f"drawdown {report.risk.drawdown:.1%}")
    if report.warnings:
        parts.append(f"{len(report.warnings)} warning(s)")
    if report.run_issues:
        parts.append(f"{len(report.run_issues)} failed or missed run(s) in the week before")
    return "; ".join(parts) + "."


def _valuation(result: CycleResult) -> Valuation:
    v = result.valuation
    return Valuation(
        equity=v.equity,
        cash=v.cash,
        market_value=v.market_value,
        realised=v.realised,
        unrealised=v.unrealised,
        fees=v.fees,
    )


def _pnl(result: CycleResult, before: RunRecord | None) -> PnlSplit:
    now = result.valuation
    if before is None:
        opening = result.version.book.capital
        return PnlSplit(
            total=now.equity - opening,
            realised=now.realised,
            unrealised_change=now.unrealised,
            fees=now.fees,
        )
    then = {k: Decimal(v) for k, v in before.summary["valuation"].items()}
    return PnlSplit(
        total=now.equity - then["equity"],
        realised=now.realised - then["realised"],
        unrealised_change=now.unrealised - then["unrealised"],
        fees=now.fees - then["fees"],
    )


def _positions(
    result: CycleResult, before: RunRecord | None, fills: Sequence[Fill]
) -> list[PositionLine]:
    marks = _marks(result)
    held = _held(result)
    old = {} if before is None else before.summary.get("positions", {})
    old_marks = {} if before is None else before.summary.get("marks", {})
    today = [f for f in fills if f.session == result.session]
    symbols = sorted(set(held) | set(old) | {f.symbol for f in today})
    equity = result.valuation.equity
    lines = []
    for symbol in symbols:
        position = held.get(symbol, Position(symbol, ZERO, ZERO))
        mark = marks.get(symbol, Decimal(old_marks.get(symbol, "0")))
        value = position.quantity * mark
        flows = sum((f.notional + f.fee for f in today if f.symbol == symbol), ZERO)
        previous = Decimal(old.get(symbol, {}).get("quantity", "0")) * Decimal(
            old_marks.get(symbol, "0")
        )
        lines.append(
            PositionLine(
                symbol=symbol,
                quantity=position.quantity,
                mark=mark,
                value=value,
                weight=float(value / equity) if equity else 0.0,
                cost=position.cost,
                unrealised=value - position.cost,
                day_pnl=value - previous - flows,
            )
        )
    return lines


def _held(result: CycleResult) -> dict[str, Position]:
    stored = result.summary["positions"]
    return {s: Position(s, Decimal(p["quantity"]), Decimal(p["cost"])) for s, p in stored.items()}


def _marks(result: CycleResult) -> dict[str, Decimal]:
    return {s: Decimal(m) for s, m in result.summary["marks"].items()}


def _sleeve_pnl(result: CycleResult) -> dict[str, float]:
    out = {}
    for sleeve in result.sleeves:
        equity = sleeve.result.output.equity
        out[sleeve.allocation.label] = float(equity[-2] - equity[-3]) if len(equity) > 2 else 0.0
    return out


def _recommendation_line(rec: Recommendation) -> RecommendationLine:
    return RecommendationLine(
        symbol=rec.symbol,
        side=rec.side,
        quantity=rec.quantity,
        held=rec.held,
        target=rec.target,
        price=rec.price,
        notional=rec.quantity * rec.price,
        allowed=rec.allowed,
        risk_code=rec.risk.get("code"),
        risk_reason=str(rec.risk.get("reason", "")),
        reasons=[_reason(r) for r in rec.reasoning],
    )


def _reason(data: dict[str, Any]) -> Reason:
    return Reason(
        strategy=data["strategy"],
        described=data["described"],
        rule=data["rule"],
        decision=data["decision"],
        indicators=[IndicatorLine(**i) for i in data["indicators"]],
        track_record=data["track_record"],
    )


def _fill_line(fill: Fill) -> FillLine:
    return FillLine(
        symbol=fill.symbol,
        quantity=fill.quantity,
        price=fill.price,
        decision_price=fill.decision_price,
        slippage=fill.slippage,
        fee=fill.fee,
        strategy=fill.strategy,
    )


def _movers(result: CycleResult) -> list[Mover]:
    close = result.market.close
    if close.shape[0] < 2:
        return []
    change = close[-1] / close[-2] - 1.0
    order = np.argsort(-np.abs(np.nan_to_num(change, nan=0.0)), kind="stable")
    return [
        Mover(symbol=result.market.symbols[n], close=float(close[-1, n]), change=float(change[n]))
        for n in order[:MOVERS]
        if np.isfinite(change[n])
    ]


def _curve(ctx: CycleContext, result: CycleResult) -> list[CurvePoint]:
    book = result.version.book
    idle = float(book.capital * (1 - book.invested_weight))
    equity = np.sum([s.result.output.equity[:-1] for s in result.sleeves], axis=0) + idle
    dates = result.market.dates[-CURVE_SESSIONS:]
    equity = equity[-CURVE_SESSIONS:]
    bench = _benchmark(ctx, book.benchmark, dates, float(equity[0]))
    ledger = {
        r.session: float(r.equity) for r in runs(ctx.store, book.name) if r.equity is not None
    }
    points = []
    for i, day in enumerate(dates):
        session = dt.date.fromisoformat(str(day.astype("datetime64[D]")))
        points.append(
            CurvePoint(
                session=session,
                backtest=float(equity[i]),
                benchmark=bench[i],
                ledger=ledger.get(session),
            )
        )
    return points


def _benchmark(
    ctx: CycleContext, symbol: str, dates: np.ndarray, start_value: float
) -> list[float | None]:
    first = dt.date.fromisoformat(str(dates[0].astype("datetime64[D]")))
    last = dt.date.fromisoformat(str(dates[-1].astype("datetime64[D]")))
    try:
        market = load_market(ctx.store, [symbol], first, last)
    except ValidationError:
        return [None] * len(dates)
    series = dict(
        zip(market.dates.astype("datetime64[D]").tolist(), market.close[:, 0].tolist(), strict=True)
    )
    values = [series.get(d) for d in dates.astype("datetime64[D]").tolist()]
    base = next((v for v in values if v is not None and np.isfinite(v)), None)
    if base is None:
        return [None] * len(dates)
    return [None if v is None or not np.isfinite(v) else v / base * start_value for v in values]


def _checked(ctx: CycleContext, result: CycleResult, earnings: set[str]) -> list[AtRiskLine]:
    book = result.version.book
    holdings = ctx.books.holdings(book.name, as_of=result.session)
    after = None if holdings is None else holdings.as_of
    fills = ctx.books.fills(book.name, after=after, through=result.session)
    opened = opened_sessions(holdings, fills, result.anchor)
    return checked_lines(book, _held(result), result.market, opened, earnings)


def _risk(
    ctx: CycleContext,
    result: CycleResult,
    curve: list[CurvePoint],
    positions: list[PositionLine],
    pnl: PnlSplit,
    before: RunRecord | None,
) -> RiskBlock:
    values = np.array([p.backtest for p in curve])
    drawdown = float(values[-1] / values.max() - 1.0) if len(values) else None
    returns = np.diff(values) / values[:-1] if len(values) > 20 else np.array([])
    equity = result.valuation.equity
    var = None
    if returns.size:
        loss = -float(np.quantile(returns, 0.05))
        var = (Decimal(repr(max(loss, 0.0))) * equity).quantize(Decimal("0.01"))
    gross = sum((abs(p.value) for p in positions), ZERO)
    policy = book_policy(result.version.book, ctx.universe)
    limits = {}
    if policy is not None:
        limits = {
            k: float(v)
            for k, v in (
                ("max_gross_leverage", policy.max_gross_leverage),
                ("max_position_weight", policy.max_position_weight),
                ("max_drawdown", policy.max_drawdown),
            )
            if v is not None
        }
    halted = KillSwitchBoard(ctx.store, ctx.clock).halts(result.version.name)
    opening = (
        result.version.book.capital if before is None or before.equity is None else before.equity
    )
    held_values = [p.value for p in positions]
    return RiskBlock(
        drawdown=drawdown,
        var_95=var,
        gross_exposure=float(gross / equity) if equity else 0.0,
        largest_weight=max((abs(p.weight) for p in positions), default=0.0),
        limits=limits,
        trading_state="halted" if halted else "active",
        headroom=headroom_lines(policy, equity, held_values, drawdown, (pnl.total, opening)),
    )


def _data_quality(result: CycleResult) -> list[str]:
    close = result.market.close
    notes = []
    for n, symbol in enumerate(result.market.symbols):
        if not np.isfinite(close[-1, n]):
            seen = np.flatnonzero(np.isfinite(close[:, n]))
            last = "never" if seen.size == 0 else str(result.market.dates[seen[-1]])
            notes.append(f"{symbol}: no bar on {result.session} (last bar {last})")
    return notes


def _warnings(ctx: CycleContext, result: CycleResult, before: RunRecord | None) -> list[str]:
    """Return what the day's numbers need read with: a confirmation of holdings since the last
    run (the P&L then includes the step to them) and sessions without a run since it (a paper
    book's fills of those days are missing); failed and missed scheduled runs are `run_issues`.
    """
    notes = []
    confirmed = ctx.books.holdings(result.version.name, as_of=result.session)
    if confirmed is not None and (before is None or confirmed.as_of > before.session):
        since = "the book's start" if before is None else f"the run of {before.session}"
        notes.append(
            f"holdings confirmed as of {confirmed.as_of}: the day's P&L and each position's "
            f"day P&L include the step from {since} to them"
        )
    if before is None:
        return notes
    days = result.market.dates.astype("datetime64[D]")
    between = days[(days > np.datetime64(before.session)) & (days < np.datetime64(result.session))]
    return notes + [f"no cycle ran on {d} (missed run)" for d in between.tolist()]


def open_orders(ctx: CycleContext, book: str) -> list[OpenOrderLine]:
    """Return the book's orders still working at a broker (the order manager's journal)."""
    return [
        OpenOrderLine(
            order_id=o.client_order_id,
            broker=o.broker,
            symbol=o.symbol,
            side=o.side.value,
            quantity=o.quantity,
            filled=o.filled_quantity,
            status=o.status.value,
            limit_price=o.limit_price,
            created_at=o.created_at,
        )
        for o in ExecutionJournal(ctx.store).orders(open_only=True, book=book)
    ]


def world_lines(world: WorldDay) -> list[WorldLine]:
    """Return the geopolitics table: GPR as known, the world's conflict day, its top events."""
    lines: list[WorldLine] = []
    if world.gpr is not None:
        change = "" if world.gpr_change_5 is None else f"{world.gpr_change_5:+.1f} over 5 days"
        lines.append(
            WorldLine(label="Geopolitical risk index (GPRD)", value=f"{world.gpr:.1f}", note=change)
        )
    if world.intensity is not None:
        z = "" if world.zscore is None else f"{world.zscore:+.1f} sd against the 90 days before"
        lines.append(
            WorldLine(label="World conflict intensity", value=f"{world.intensity:,.0f}", note=z)
        )
    for root, place, mentions in world.headlines:
        what = CAMEO_ROOTS.get(root, f"CAMEO {root}")
        lines.append(WorldLine(label=f"Event: {what}", value=place, note=f"{mentions} mentions"))
    return lines
