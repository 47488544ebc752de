"""vectorbt on stacked Monte Carlo paths, run in benchmarks/peers/.venv.

``python benchmarks/simulation/peer_vectorbt_paths.py PATHS.npz`` reads ``open`` and
``close`` of shape (paths, bars, symbols), lays them side by side as columns (path-major),
and runs the standard case's recipe (`benchmarks/backtest/peer_vectorbt.py`): SMA(20) and
SMA(50) with ``vbt.MA.run``, crossings, signals shifted to the next bar's open,
``size = 1,000,000 / symbols`` in value floored to whole shares, long only, one cash pool
per path (``group_by`` path, ``cash_sharing``), sells before buys. It prints one JSON
object: the time (indicators, signals and simulation; after one untimed warm-up), each
path's final value, vectorbt's version and its peak RSS. The warm-up runs the same batch:
one on a smaller panel left part of vectorbt's kernels to compile in the timed run.
"""

from __future__ import annotations

import json
import sys
import time
import warnings

import numpy as np
import pandas as pd
import vectorbt as vbt

warnings.filterwarnings("ignore")
CASH, FAST, SLOW = 1_000_000.0, 20, 50


def next_open(signal: pd.DataFrame) -> np.ndarray:
    values = signal.to_numpy()
    shifted = np.zeros_like(values)
    shifted[1:] = values[:-1]
    return shifted


def run(open_: np.ndarray, close: np.ndarray) -> np.ndarray:
    paths, bars, symbols = close.shape
    # plain integer columns: a (path, symbol) MultiIndex makes vectorbt's indicator and
    # signal steps several times slower, which would flatter the ratio
    stacked = pd.DataFrame(close.transpose(1, 0, 2).reshape(bars, paths * symbols))
    price = open_.transpose(1, 0, 2).reshape(bars, paths * symbols)
    fast = vbt.MA.run(stacked, FAST, short_name="fast")
    slow = vbt.MA.run(stacked, SLOW, short_name="slow")
    entries, exits = fast.ma_crossed_above(slow), fast.ma_crossed_below(slow)
    portfolio = vbt.Portfolio.from_signals(
        close=stacked, entries=next_open(entries), exits=next_open(exits), price=price,
        size=CASH / symbols, size_type="value", size_granularity=1.0, direction="longonly",
        init_cash=CASH, cash_sharing=True, group_by=np.repeat(np.arange(paths), symbols),
        call_seq="auto", engine="numba",
    )  # fmt: skip
    return np.asarray(portfolio.final_value(), dtype=np.float64)


def peak_rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def main() -> None:
    with np.load(sys.argv[1]) as data:
        open_, close = data["open"], data["close"]
    run(open_, close)  # warm-up on the same shapes: a smaller one leaves kernels to compile
    started = time.perf_counter()
    finals = run(open_, close)
    seconds = time.perf_counter() - started
    report = {
        "seconds": seconds,
        "final_values": finals.tolist(),
        "version": vbt.__version__,
        "peak_rss_mib": peak_rss_mib(),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
