"""Tetra on the standard case (both paths) and on the SMA sweep, in the project's venv.

The standard case is the library's `MovingAverageCrossover(fast=20, slow=50)` through
`run_backtest`. Timed runs pass ``guards=False`` (one run); with the default guards
`run_backtest` runs the strategy five times (the run, three truncated reruns for
look-ahead, one rerun for determinism), reported apart.

There is no sweep API yet, so `sweep` is written here: each window's SMA is computed once
and shared; each (fast, slow) is the library strategy with those averages looked up
(`_CachedCrossover`), its `orders` fed to the compiled kernel `run_compiled`. Combinations
are spread over a fork-based process pool; forked workers share the averages without
copying them.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from benchmarks.backtest._peer_common import peak_rss_mib
from benchmarks.backtest.data import Universe
from tetra.backtest.compiled import run_compiled
from tetra.backtest.run import run_backtest
from tetra.indicators import sma
from tetra.market import MarketData
from tetra.strategy.library.crossover import MovingAverageCrossover

CASH = 1_000_000.0
FAST, SLOW = 20, 50

_shared: dict[str, Any] = {}  # the sweep's market and averages, inherited by forked workers


def market_of(universe: Universe) -> MarketData:
    ones, zeros = np.ones(universe.shape), np.zeros(universe.shape)
    return MarketData(
        universe.dates,
        universe.symbols,
        open=universe.open,
        high=universe.high,
        low=universe.low,
        close=universe.close,
        volume=universe.volume,
        split_ratio=ones,
        dividend=zeros,
    )


def standard(
    market: MarketData, path: str, *, guards: bool, warmup: int, repeat: int
) -> dict[str, Any]:
    """Time `repeat` runs of the standard case after `warmup` untimed ones."""

    def once() -> Any:
        strategy = MovingAverageCrossover(fast=FAST, slow=SLOW, cash=CASH)
        result = run_backtest(strategy, market, path=path, cash=CASH, guards=guards)  # type: ignore[arg-type]
        result.final_equity  # noqa: B018 (part of the timed work, as for the peers)
        return result

    result, seconds = timed(once, warmup, repeat)
    name = f"Tetra {path}" + (" (guards on)" if guards else "")
    return {
        "engine": name,
        "version": "main",
        "seconds": seconds,
        "final_equity": result.final_equity,
        "trades": trades_of(result.trades),
        "warnings": list(result.warnings),
    }


def timed(run: Callable[[], Any], warmup: int, repeat: int) -> tuple[Any, list[float]]:
    for _ in range(warmup):
        run()
    seconds = []
    for _ in range(max(repeat, 1)):
        start = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - start)
    return result, seconds


def trades_of(frame: Any) -> list[dict[str, Any]]:
    return [
        {
            "symbol": str(t.symbol),
            "entry_date": str(t.entry_ts.date()),
            "entry_price": float(t.entry_price),
            "quantity": float(t.quantity),
            "exit_date": None
            if t.exit_ts is None or t.exit_ts != t.exit_ts
            else str(t.exit_ts.date()),
            "exit_price": None if t.exit_price != t.exit_price else float(t.exit_price),
        }
        for t in frame.itertuples(index=False)
    ]


class _CachedCrossover(MovingAverageCrossover):
    """The library strategy, reading its averages from the sweep's shared cache."""

    def averages(self, market: MarketData) -> tuple[np.ndarray, np.ndarray]:
        cache = _shared["averages"]
        return cache[self.config.fast], cache[self.config.slow]


def _final_equity(combo: tuple[int, int]) -> tuple[int, int, float, float]:
    fast, slow = combo
    market = _shared["market"]
    strategy = _CachedCrossover(fast=fast, slow=slow, cash=CASH)
    output = run_compiled(market, strategy.orders(market), cash=CASH)
    return fast, slow, float(output.equity[-1]), peak_rss_mib()


def sweep(
    market: MarketData, combos: Sequence[tuple[int, int]], workers: int = 2
) -> dict[str, Any]:
    """Final equity of every (fast, slow); timed from the raw closes to the last result."""
    start = time.perf_counter()
    windows = sorted({w for combo in combos for w in combo})
    _shared["market"] = market
    _shared["averages"] = {w: sma(market.close, w) for w in windows}
    averages_seconds = time.perf_counter() - start
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        finals = list(
            pool.map(_final_equity, combos, chunksize=max(1, len(combos) // (8 * workers)))
        )
    seconds = time.perf_counter() - start
    _shared.clear()
    return {
        "engine": "Tetra compiled sweep",
        "seconds": [seconds],
        "averages_seconds": averages_seconds,
        "workers": workers,
        "sweep_final_equity": {f"{f}/{s}": e for f, s, e, _ in finals},
        "peak_rss_mib": peak_rss_mib(),
        "worker_peak_rss_mib": max(rss for *_, rss in finals),
    }
