"""The demo's daily cycle: a sample book over a few ETFs and stocks, run on the last close."""

from __future__ import annotations

from tetra.cli.common import console
from tetra.cli.cycle import print_result
from tetra.core.clock import SystemClock
from tetra.cycle import CycleContext, run_cycle
from tetra.cycle.daily_reports import build_report
from tetra.data.ports import Store
from tetra.data.universe import load_universe
from tetra.portfolio import StoredBooks, parse_book
from tetra.reports.delivery import ReportArchive
from tetra.strategy.library import STRATEGIES

DEMO_BOOK = {
    "capital": 100_000,
    "symbols": ["SPY", "QQQ", "TLT", "GLD", "AAPL", "MSFT"],
    "benchmark": "SPY",
    "mode": "paper",
    "risk_policy": "default",
    "description": "The demo book: trend on the index ETFs, mean reversion on the rest.",
    "strategies": [
        {"strategy": "sma_crossover", "weight": 0.5, "params": {"fast": 20, "slow": 50}},
        {"strategy": "rsi_reversion", "weight": 0.3},
    ],
}


def print_demo_cycle(store: Store) -> None:
    """Store the demo book, run its cycle on the store's last close and keep its SOD report."""
    clock = SystemClock()
    books = StoredBooks(store)
    books.save_book(parse_book("demo", DEMO_BOOK), at=clock.now())
    ctx = CycleContext(store, books, STRATEGIES, clock, universe=load_universe())
    result = run_cycle(ctx, "demo")
    print_result(result)
    report = build_report(ctx, result, "sod")
    ReportArchive(store).save(report)
    console.print(
        f"Start-of-day report {report.report_id}: `tetra serve --sample`, then "
        f"/api/reports/{report.report_id}/html (or `tetra report sod --sample --book demo "
        "--out reports/`)."
    )
