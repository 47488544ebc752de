"""Strategy conversations: time from an idea to its first result, offline parser, sample store.

One turn = parse the idea -> validate the spec -> load its bars (and macro series) from the
store -> backtest with costs and the bias guards -> five candidates -> walk-forward over
them -> deflated Sharpe -> a 200-path bootstrap -> the reply: the first result. The stress
table (every shipped scenario) follows on a background thread; the benchmark then waits for
it, so "with stress" is the time from the idea to the table, and the next turn starts only
after it (nothing overlaps). Each idea is asked `ROUNDS` times in a fresh conversation after
one warm-up (numba compilation, imports); p50 and p95 over every timed turn.

The store: ``data/sample.duckdb`` when it exists (``tetra demo``), else a sample store of the
ideas' symbols and BTC over ten years generated into a temporary directory by the real pipeline.
Gate: every idea parses and gives a version with a walk-forward of at least four folds.
Run: ``python -m benchmarks.strategy_chat_latency``.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import numpy as np

from tetra.adapters.stores import open_store
from tetra.cli.pipeline import build_plan, run_with_progress
from tetra.cli.sources import sample_sources
from tetra.data.pipeline import Mode, Step
from tetra.data.sources import Window
from tetra.data.store_kind import StoreKind
from tetra.data.universe import Universe, load_universe
from tetra.sample import SampleSpec
from tetra.strategy_chat.proposers import OfflineProposer, ProposerRouter
from tetra.strategy_chat.service import StoreMarketSource, StrategyChat

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample.duckdb"
ROUNDS = 5
IDEAS = (
    "buy SPY when RSI(14) falls below 30 and sell above 70",
    "rotate monthly between QQQ and TLT by 3-month momentum",
    "a 1:-2:1 butterfly on SHY, IEF, TLT",
    "buy QQQ when the 50-day SMA crosses above the 200-day",
    "buy SPY when it closes above its 200-day moving average, sell below it",
    "hold the top 2 of SPY, EFA, TLT, GLD by 6-month momentum, rebalanced monthly",
    "buy and hold 60% SPY and 40% TLT",
    "pair trade XOM and CVX, enter at 2.5 sigma, exit at 0.5, 90-day window",
    "buy IWM below the lower Bollinger band (20, 2)",
    "buy QQQ when RSI drops below 25 and exit above 65 with a stop at 2 ATR",
)
# The ideas' symbols, and BTC: the stress scenarios shock every factor, crypto included.
SYMBOLS = ("SPY", "QQQ", "TLT", "SHY", "IEF", "EFA", "GLD", "XOM", "CVX", "IWM", "BTC")


def _sample_store(folder: Path) -> Path:
    spec = SampleSpec(years=10)
    universe = load_universe()
    chosen = Universe(tuple(universe.get(symbol) for symbol in SYMBOLS))
    window = Window(spec.end.replace(year=spec.end.year - spec.years), spec.end)
    plan = build_plan(Mode.BACKFILL, window, chosen, (Step.MARKET_DATA, Step.CRYPTO), False, False)
    os.environ["TETRA_DATA_DIR"] = str(folder)
    os.environ.pop("TETRA_SAMPLE_STORE_URL", None)
    result = run_with_progress(StoreKind.SAMPLE, chosen, plan, sample_sources(list(chosen), spec))
    assert result.status == "success", result
    return folder / "sample.duckdb"


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        path = SAMPLE if SAMPLE.exists() else _sample_store(Path(scratch))
        store = open_store(str(path), StoreKind.SAMPLE)
        chat = StrategyChat(ProposerRouter(OfflineProposer()), StoreMarketSource(store))
        try:
            first, stressed = _time(chat)
        finally:
            chat.close()
            store.close()
    print(
        f"store {'data/sample.duckdb' if SAMPLE.exists() else 'generated, 11 symbols x 10 years'}"
        f", load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    for label, timings in (("first result (target under 3 s)", first), ("with stress", stressed)):
        p50, p95 = np.percentile(timings, [50, 95])
        print(f"{label}: {len(timings)} turns over {len(IDEAS)} ideas: p50 {p50:.2f} s, "
              f"p95 {p95:.2f} s, max {max(timings):.2f} s")  # fmt: skip


def _time(chat: StrategyChat) -> tuple[list[float], list[float]]:
    first, stressed = [], []
    for idea in IDEAS:
        conversation, _ = chat.turn(idea)  # warm-up
        chat.stress(conversation.id, 1)
        for _ in range(ROUNDS):
            started = time.perf_counter()
            conversation, version = chat.turn(idea)
            first.append(time.perf_counter() - started)
            table = chat.stress(conversation.id, version.number)
            stressed.append(time.perf_counter() - started)
            assert version.evidence.walk_forward["folds"] >= 4, idea
            assert table.rows, (idea, table.missing)
        print(f"  {np.median(first[-ROUNDS:]):5.2f} s, with stress "
              f"{np.median(stressed[-ROUNDS:]):5.2f} s  {idea}")  # fmt: skip
    return first, stressed


if __name__ == "__main__":
    main()
