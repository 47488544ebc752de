"""The deterministic synthetic universe every engine in the backtest benchmark trades.

Each symbol is a seeded geometric random walk with its own start price (10 to 300), annual
volatility (15% to 45%) and drift (-5% to +15%), on business days from 2015-01-02. Opens gap
from the previous close; highs and lows wrap the open and close; volumes are log-normal.
Symbol i draws from ``default_rng([seed, i])`` alone, so the first 100 symbols of a
500-symbol universe are the 100-symbol universe, bar for bar. Prices are not rounded to
cents: cent prices make exact SMA ties (fast == slow) likely enough to split the engines
on a rounding ulp, which would test the tie rule rather than the engine.

The file format is a plain ``.npz`` (numpy only) so the peers' venv can read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

SEED = 20_260_101
BARS = 2_520  # ten years of daily bars
START = "2015-01-02"
FIELDS = ("open", "high", "low", "close", "volume")


@dataclass(frozen=True)
class Universe:
    """Daily bars as (T, N) float64 arrays; `dates` datetime64[D], `symbols` S000, S001, ..."""

    dates: np.ndarray
    symbols: tuple[str, ...]
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.dates), len(self.symbols))


def synthetic_universe(symbols: int, bars: int = BARS, seed: int = SEED) -> Universe:
    """Return `symbols` random-walk symbols over `bars` business days."""
    dates = np.busday_offset(np.datetime64(START, "D"), np.arange(bars), roll="forward")
    columns = [_symbol_bars(np.random.default_rng([seed, i]), bars) for i in range(symbols)]
    panels = {f: np.ascontiguousarray(np.stack([c[f] for c in columns], axis=1)) for f in FIELDS}
    names = tuple(f"S{i:03d}" for i in range(symbols))
    return Universe(dates.astype("datetime64[D]"), names, **panels)


def _symbol_bars(rng: np.random.Generator, bars: int) -> dict[str, np.ndarray]:
    start = np.exp(rng.uniform(np.log(10.0), np.log(300.0)))
    sigma = rng.uniform(0.15, 0.45) / np.sqrt(252.0)
    drift = rng.uniform(-0.05, 0.15) / 252.0 - 0.5 * sigma**2
    gap = rng.normal(0.0, 0.3 * sigma, bars)  # overnight: previous close to open
    session = rng.normal(drift, 0.95 * sigma, bars)  # open to close
    log_close = np.log(start) + np.cumsum(gap + session)
    close = np.exp(log_close)
    open_ = np.exp(log_close - session)
    wick_up = np.abs(rng.normal(0.0, 0.5 * sigma, bars))
    wick_down = np.abs(rng.normal(0.0, 0.5 * sigma, bars))
    high = np.maximum(open_, close) * np.exp(wick_up)
    low = np.minimum(open_, close) * np.exp(-wick_down)
    volume = np.round(rng.lognormal(np.log(1e6), 0.5, bars))
    return {"open": open_, "high": high, "low": low, "close": close, "volume": volume}


def write_npz(universe: Universe, path: Path) -> Path:
    """Write `universe` for the peers: dates as ISO strings, symbols, the five fields."""
    np.savez(
        path,
        dates=universe.dates.astype(str),
        symbols=np.array(universe.symbols),
        **{f: getattr(universe, f) for f in FIELDS},
    )
    return path
