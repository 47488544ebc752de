"""The daily cycle: 3 books over the 151-symbol sample universe, SOD and EOD reports with charts.

Each book runs on every symbol of the sample store: ``trend`` (SMA crossover 0.5 + RSI
reversion 0.3), ``rotation`` (cross-sectional momentum 0.6 + Bollinger reversion 0.3) and
``core`` (buy and hold 0.5 + EMA crossover 0.4), all paper books under the default risk
policy. Timed: one cycle for the three books at the last stored close, then both reports of
each book built, rendered to HTML and text, charted (PNG) and composed as email (not sent),
all in one process after a warm-up cycle on the previous session (numba compiles there).
Then a replay of one book over the last ``REPLAY_DAYS`` sessions: sessions per second.

Gate: every book's EOD P&L equals its ledger (total = realised + unrealised change - fees),
every email carries 3 PNG parts. Run: ``python -m benchmarks.cycle_daily [store.duckdb]``
(default: data/sample.duckdb, copied first so the store is untouched).
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tetra.adapters.stores import open_store
from tetra.core.clock import SystemClock
from tetra.cycle import CycleContext, replay, run_cycle
from tetra.cycle.daily_reports import build_report
from tetra.cycle.runner import latest_session
from tetra.data.store_kind import StoreKind
from tetra.data.universe import load_universe
from tetra.portfolio import StoredBooks, parse_book
from tetra.reports.daily_render import render_text
from tetra.reports.email import compose
from tetra.strategy.library import STRATEGIES

ROOT = Path(__file__).resolve().parents[1]
REPLAY_DAYS = 40
TARGET_SECONDS = 15.0
BOOKS = {
    "trend": [("sma_crossover", "0.5", {"fast": 20, "slow": 50}), ("rsi_reversion", "0.3", {})],
    "rotation": [("momentum", "0.6", {"top_n": 10}), ("bollinger_reversion", "0.3", {})],
    "core": [("buy_and_hold", "0.5", {}), ("sma_crossover", "0.4", {"average": "ema"})],
}


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "data" / "sample.duckdb"
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "sample.duckdb"
        shutil.copy(source, copy)
        store = open_store(str(copy), StoreKind.SAMPLE)
        symbols = sorted({c.symbol for c in store.coverage()})
        ctx = _context(store, symbols)
        session = latest_session(store, symbols)
        previous = _previous_session(ctx, session)
        for name in BOOKS:  # warm-up: numba compiles, the paper books take positions
            run_cycle(ctx, name, previous)
        seconds, checked = _timed_day(ctx, session)
        rate = _replay_rate(ctx, session)
        store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "benchmark": "cycle_daily",
        "books": len(BOOKS),
        "symbols": len(symbols),
        "session": session.isoformat(),
        "cycle_and_reports_seconds": round(seconds, 2),
        "target_seconds": TARGET_SECONDS,
        "peak_rss_mib": round(peak),
        "replay_sessions_per_second": round(rate, 2),
        "reports_checked": checked,
    }
    print(json.dumps(result, indent=2))
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    (out / f"cycle_daily-{stamp}.json").write_text(json.dumps(result, indent=2))


def _context(store: object, symbols: list[str]) -> CycleContext:
    clock = SystemClock()
    books = StoredBooks(store)  # type: ignore[arg-type]
    for name, strategies in BOOKS.items():
        table = {
            "capital": 1_000_000,
            "symbols": symbols,
            "mode": "paper",
            "risk_policy": "default",
            "strategies": [{"strategy": s, "weight": w, "params": p} for s, w, p in strategies],
        }
        books.save_book(parse_book(name, table), at=clock.now())
    return CycleContext(store, books, STRATEGIES, clock, universe=load_universe())  # type: ignore[arg-type]


def _previous_session(ctx: CycleContext, session: dt.date) -> dt.date:
    result = run_cycle(ctx, "core", session)
    return dt.date.fromisoformat(str(result.market.dates[-2].astype("datetime64[D]")))


def _timed_day(ctx: CycleContext, session: dt.date) -> tuple[float, int]:
    start = time.perf_counter()
    checked = 0
    for name in BOOKS:
        result = run_cycle(ctx, name, session)
        for kind in ("sod", "eod"):
            report = build_report(ctx, result, kind)  # type: ignore[arg-type]
            message = compose(report, "tetra@localhost", ["me@example.com"])
            render_text(report)
            pngs = [p for p in message.walk() if p.get_content_type() == "image/png"]
            pnl = report.pnl
            assert pnl is not None
            assert pnl.total == pnl.realised + pnl.unrealised_change - pnl.fees, name
            assert len(pngs) == 3, name
            checked += 1
    return time.perf_counter() - start, checked


def _replay_rate(ctx: CycleContext, session: dt.date) -> float:
    result = run_cycle(ctx, "trend", session)
    days = result.market.dates.astype("datetime64[D]")
    start = dt.date.fromisoformat(str(days[-REPLAY_DAYS]))
    ctx.books.save_book(parse_book("replayed", {**_table(ctx, "trend")}), at=ctx.clock.now())
    began = time.perf_counter()
    count = sum(1 for _ in replay(ctx, "replayed", start, session))
    return count / (time.perf_counter() - began)


def _table(ctx: CycleContext, name: str) -> dict[str, object]:
    found = ctx.books.book(name)
    assert found is not None
    data = found.book.to_dict()
    del data["name"]
    return data


if __name__ == "__main__":
    main()
