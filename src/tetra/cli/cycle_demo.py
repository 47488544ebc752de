"""The demo's daily cycle: a sample book over a few ETFs and stocks, run up to the last close.

The book is a paper book: its cycle is replayed over the last `REPLAY_DAYS` before the
last close, so the paper fills of the first sessions leave it holding positions, and the
start-of-day report of the last close checks them against the book's stops.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from tetra.cli.common import console
from tetra.cli.cycle import print_result
from tetra.core.clock import SystemClock
from tetra.cycle import CycleContext, latest_session, replay
from tetra.cycle.daily_reports import build_report
from tetra.data.ports import Store
from tetra.data.universe import load_universe
from tetra.portfolio import StoredBooks, parse_book
from tetra.reports.daily import DailyReport
from tetra.reports.delivery import ReportArchive
from tetra.strategy.library import STRATEGIES

DEMO_SYMBOLS = ("SPY", "QQQ", "TLT", "GLD", "AAPL", "MSFT")
REPLAY_DAYS = dt.timedelta(days=14)  # about ten sessions: fills on the second, then held
DEMO_BOOK = {
    "capital": 100_000,
    "symbols": list(DEMO_SYMBOLS),
    "benchmark": "SPY",
    "mode": "paper",
    "risk_policy": "default",
    "description": "The demo book: trend on the index ETFs, mean reversion on the rest.",
    "strategies": [
        {"strategy": "sma_crossover", "weight": 0.5, "params": {"fast": 20, "slow": 50}},
        {"strategy": "rsi_reversion", "weight": 0.3},
    ],
    # Stops: 8 % under the entry is four to eight daily standard deviations of these ETFs and
    # large caps (1-2 % a day), so a day's noise does not stop a position out, and it leaves
    # the 20/50 trend sleeve room for an ordinary pullback. The trailing stop, 10 % under the
    # best high since the entry, is the wider one: it takes over only once a position is
    # about 2 % up (0.90 x best > 0.92 x entry), then caps the give-back from the best high.
    "exits": {"stop_loss": 0.08, "trailing_stop": 0.10},
}


def print_demo_cycle(store: Store, symbols: Sequence[str] = DEMO_SYMBOLS) -> DailyReport:
    """Store the demo book, replay its cycle to the store's last close, keep its SOD report."""
    clock = SystemClock()
    books = StoredBooks(store)
    books.save_book(parse_book("demo", {**DEMO_BOOK, "symbols": list(symbols)}), at=clock.now())
    ctx = CycleContext(store, books, STRATEGIES, clock, universe=load_universe())
    last = latest_session(store, list(symbols))
    *_, result = replay(ctx, "demo", last - REPLAY_DAYS, last)
    print_result(result)
    report = build_report(ctx, result, "sod")
    ReportArchive(store).save(report)
    console.print(
        f"Start-of-day report {report.report_id}: `tetra serve --sample`, then "
        f"/api/reports/{report.report_id}/html (or `tetra report sod --sample --book demo "
        "--out reports/`)."
    )
    return report
