"""Peak RSS of one Tetra standard-case backtest, measured in a fresh process.

``python -m benchmarks.backtest.memory --symbols 500 --path compiled [--guards]`` prints
one JSON object: the process's peak RSS (VmHWM) after the imports, after building the
market, and after the backtest and its trades table. ``getrusage``'s ru_maxrss is
recorded too, but is not the measure: on Linux it keeps the parent's peak across
fork and exec (a child of the 500 MiB benchmark driver reports at least 500 MiB).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys


def maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--symbols", type=int, default=500)
    parser.add_argument("--path", choices=["compiled", "callback"], default="compiled")
    parser.add_argument("--guards", action="store_true", help="run_backtest's default guards")
    args = parser.parse_args()

    from benchmarks.backtest._peer_common import peak_rss_mib
    from benchmarks.backtest.data import synthetic_universe
    from benchmarks.backtest.tetra_side import CASH, FAST, SLOW, market_of
    from tetra.backtest.run import run_backtest
    from tetra.strategy.library.crossover import MovingAverageCrossover

    after_imports = peak_rss_mib()
    market = market_of(synthetic_universe(args.symbols))
    after_data = peak_rss_mib()
    strategy = MovingAverageCrossover(fast=FAST, slow=SLOW, cash=CASH)
    result = run_backtest(strategy, market, path=args.path, cash=CASH, guards=args.guards)
    trades = len(result.trades)
    json.dump(
        {
            "symbols": args.symbols,
            "bars": market.shape[0],
            "path": args.path,
            "guards": args.guards,
            "trades": trades,
            "peak_rss_mib_after_imports": after_imports,
            "peak_rss_mib_after_data": after_data,
            "peak_rss_mib": peak_rss_mib(),
            "ru_maxrss_mib": maxrss_mib(),
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
