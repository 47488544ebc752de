from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from cycle_fixtures import context, crossover_book, sessions

from tetra.backtest.result import BacktestResult
from tetra.backtest.run import run_backtest
from tetra.cycle import CycleContext, replay
from tetra.cycle.sleeves import COSTS
from tetra.market import load_market
from tetra.strategy.library import MovingAverageCrossover

DAYS = 160


def walk(seed: int) -> list[float]:
    steps = np.random.default_rng(seed).normal(0.0005, 0.02, DAYS)
    return [round(float(x), 2) for x in 100 * np.exp(np.cumsum(steps))]


CLOSES = {"SPY": walk(1), "QQQ": walk(2)}


def test_replay_is_bit_identical_and_uses_no_data_after_each_day() -> None:
    days = sessions(DAYS)
    full = list(replay(context(CLOSES, crossover_book()), "swing", days[100], days[140]))
    again = list(replay(context(CLOSES, crossover_book()), "swing", days[100], days[140]))
    cut = {s: c[:121] for s, c in CLOSES.items()}  # the store ends on day 120
    truncated = list(replay(context(cut, crossover_book()), "swing", days[100], days[120]))

    assert [r.recommendations for r in full] == [r.recommendations for r in again]
    assert [r.valuation for r in full] == [r.valuation for r in again]
    assert [r.recommendations for r in full[:21]] == [r.recommendations for r in truncated]


def flat_start(ctx: CycleContext, days: list[dt.date]) -> tuple[int, BacktestResult]:
    """Find a session before which the book's backtest (anchored as the cycle's) holds nothing."""
    for first in range(40, len(days)):
        anchor = days[first] - dt.timedelta(days=ctx.warmup_days)
        market = load_market(ctx.store, ["SPY", "QQQ"], anchor, days[-1])
        strategy = MovingAverageCrossover(fast=2, slow=4, allocation=5000, cash=10_000)
        backtest = run_backtest(strategy, market, cash=10_000, costs=COSTS, guards=False)
        row = int(np.flatnonzero(market.dates == np.datetime64(days[first]))[0])
        if not backtest.output.positions[row - 1].any():
            return first, backtest
    raise AssertionError("the backtest is never flat")


def test_paper_replay_equity_follows_the_books_backtest() -> None:
    days = sessions(DAYS)
    ctx = context(CLOSES, crossover_book("paper"))
    first, backtest = flat_start(ctx, days)

    results = list(replay(ctx, "swing", days[first], days[-1]))

    # the paper book starts in cash where the backtest is flat; from there on both make the
    # same fills at the same opens with the same 1 bp fee: only the backtest's float
    # rounding separates the two equity curves
    equity = backtest.output.equity[-len(results) :]
    expected = equity - backtest.output.equity[-len(results) - 1] + 10_000
    paper = np.array([float(r.valuation.equity) for r in results])
    assert len(results) == DAYS - first
    assert paper == pytest.approx(expected, abs=1e-6)
    assert sum(len(r.fills) for r in results) > 10
