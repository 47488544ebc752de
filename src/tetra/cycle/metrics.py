"""A book's risk and P&L gauges, set after each cycle run (docs/operations.md lists them).

- `tetra_book_equity` and `tetra_book_daily_pnl`: the ledger's equity at the session and its
  change since the book's previous stored run (0 on its first). Exact Decimals in the
  ledger; a gauge is a float, so the gauge carries them to about 15 significant digits.
- `tetra_risk_limit_usage{limit}`: for a book that names a risk policy, each limit's worst
  subject measured on the positions at the session's marks, drawdown and daily loss on the
  equity of its stored runs (value / cap; above 1 is a breach, 0 for a limit without a cap).
- `tetra_book_trading_state`: 2 (halted) when a kill switch halts the book, else the
  strictest response the policy gives the limits breached now (persistence, which the
  engines apply over consecutive checks, is not: a breach counts at once here).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

import numpy as np

from tetra.core.clock import Clock
from tetra.core.telemetry import telemetry
from tetra.cycle.records import runs
from tetra.data.ports import Store
from tetra.data.universe import Universe
from tetra.portfolio import Book, Ledger
from tetra.portfolio.ledger import Valuation
from tetra.risk.killswitch import KillSwitchBoard
from tetra.risk.limits import LimitCheck, LimitEvaluator
from tetra.risk.policy import RiskPolicy
from tetra.risk.vocabulary import TradingState


def publish_book_metrics(
    store: Store,
    book: Book,
    session: dt.date,
    ledger: Ledger,
    marks: Mapping[str, Decimal],
    *,
    policy: RiskPolicy | None,
    clock: Clock,
    universe: Universe | None = None,
) -> None:
    """Set the book's equity, daily P&L, limit usage and trading state gauges."""
    labels = {"book": book.name}
    valuation = ledger.valuation(marks)
    history = _equity_history(store, book.name, session, valuation)
    telemetry().set("tetra_book_equity", labels, history[-1])
    telemetry().set("tetra_book_daily_pnl", labels, history[-1] - history[-2])
    state = TradingState.ACTIVE
    if policy is not None:
        check = _limit_check(book, ledger, marks, valuation, history, policy, universe)
        for reading in check.readings:
            usage = reading.usage if np.isfinite(reading.usage) else 0.0
            telemetry().set("tetra_risk_limit_usage", {**labels, "limit": reading.kind}, usage)
        for reading in check.breached:
            state = state.at_least(policy.response(reading.kind))
    if KillSwitchBoard(store, clock).halts(book.name):
        state = TradingState.HALTED
    telemetry().set("tetra_book_trading_state", labels, float(state.code))


def _equity_history(store: Store, book: str, session: dt.date, valuation: Valuation) -> list[float]:
    """Return the equity of the book's earlier done runs, then this session's (at least two)."""
    earlier = [
        float(run.equity)
        for run in runs(store, book, end=session - dt.timedelta(days=1))
        if run.status == "done" and run.equity is not None
    ]
    now = float(valuation.equity)
    return [*(earlier or [now]), now]


def _limit_check(
    book: Book,
    ledger: Ledger,
    marks: Mapping[str, Decimal],
    valuation: Valuation,
    history: list[float],
    policy: RiskPolicy,
    universe: Universe | None,
) -> LimitCheck:
    symbols = tuple(book.symbols)
    equity = float(valuation.equity)
    weights = np.zeros(len(symbols))
    for i, symbol in enumerate(symbols):
        position = ledger.positions.get(symbol)
        if position is not None and symbol in marks and equity:
            weights[i] = float(position.quantity * marks[symbol]) / equity
    return LimitEvaluator(policy, symbols, universe).check(weights, history)
