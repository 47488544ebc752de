"""What the peer scripts share: the standard case, loading the universe, trades, the report.

The peer scripts run in benchmarks/peers/.venv (no Tetra there), as
``python benchmarks/backtest/peer_X.py DATA.npz [options]``; each prints one JSON object
on stdout: engine, version, final equity, trades and the timings of its runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd

CASH = 1_000_000.0
FAST, SLOW = 20, 50

Result = TypeVar("Result")


@dataclass(frozen=True)
class Bars:
    """The universe as the peers see it: (T, N) arrays plus a DatetimeIndex."""

    index: pd.DatetimeIndex
    symbols: list[str]
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray

    @property
    def allocation(self) -> float:
        return CASH / len(self.symbols)

    def frame(self, field: str) -> pd.DataFrame:
        return pd.DataFrame(getattr(self, field), index=self.index, columns=self.symbols)

    def ohlcv(self, n: int) -> pd.DataFrame:
        """One symbol's bars with backtesting.py / backtrader's column names."""
        return pd.DataFrame(
            {
                "Open": self.open[:, n],
                "High": self.high[:, n],
                "Low": self.low[:, n],
                "Close": self.close[:, n],
                "Volume": self.volume[:, n],
            },
            index=self.index,
        )


def load(path: str) -> Bars:
    with np.load(path) as data:
        index = pd.DatetimeIndex(pd.to_datetime(data["dates"]), name="date")
        fields = {
            f: np.ascontiguousarray(data[f]) for f in ("open", "high", "low", "close", "volume")
        }
        return Bars(index, [str(s) for s in data["symbols"]], **fields)


def arguments(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("data", help="the universe .npz written by benchmarks.backtest.data")
    parser.add_argument("--warmup", type=int, default=0, help="untimed runs first")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs (best is reported)")
    parser.add_argument("--engine", default="auto", help="vectorbt only: auto, numba or rust")
    parser.add_argument("--sweep", action="store_true", help="vectorbt only: the SMA sweep")
    return parser.parse_args()


def timed(run: Callable[[], Result], warmup: int, repeat: int) -> tuple[Result, list[float]]:
    """Run `warmup` untimed times, then `repeat` timed times; return the last result and times."""
    for _ in range(warmup):
        run()
    seconds = []
    for _ in range(max(repeat, 1)):
        start = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - start)
    return result, seconds


def trades_from_fills(
    fills: Iterable[tuple[str, pd.Timestamp, float, float]],
) -> list[dict[str, Any]]:
    """Pair long-only fills (symbol, date, signed quantity, price) into round trips."""
    trades: list[dict[str, Any]] = []
    open_by_symbol: dict[str, dict[str, Any]] = {}
    for symbol, date, quantity, price in sorted(fills, key=lambda f: (f[0], f[1])):
        if quantity > 0:
            open_by_symbol[symbol] = trade(symbol, date, price, quantity)
        else:
            current = open_by_symbol.pop(symbol)
            assert abs(quantity) == current["quantity"], f"partial exit on {symbol} {date}"
            current["exit_date"], current["exit_price"] = _day(date), float(price)
            trades.append(current)
    return trades + list(open_by_symbol.values())


def trade(
    symbol: str,
    entry: pd.Timestamp,
    entry_price: float,
    quantity: float,
    exit_: pd.Timestamp | None = None,
    exit_price: float | None = None,
) -> dict[str, Any]:
    return {
        "symbol": symbol,
        "entry_date": _day(entry),
        "entry_price": float(entry_price),
        "quantity": float(quantity),
        "exit_date": None if exit_ is None else _day(exit_),
        "exit_price": None if exit_price is None else float(exit_price),
    }


def _day(date: Any) -> str:
    return str(pd.Timestamp(date).date())


def peak_rss_mib() -> float:
    """This process's peak resident set (VmHWM), in MiB.

    Not ``getrusage``'s ru_maxrss: on Linux that carries the parent's peak over fork and
    exec, so a child of a large process reports at least the parent's size.
    """
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def report(engine: str, version: str, seconds: list[float], **fields: Any) -> None:
    """Print the peer's one JSON line on stdout (everything else goes to stderr)."""
    peak = peak_rss_mib()
    payload = {"engine": engine, "version": version, "seconds": seconds, "peak_rss_mib": peak}
    payload.update(fields)
    json.dump(payload, sys.stdout)
    sys.stdout.write("\n")
    sys.stdout.flush()
