"""The offline sample universe: a deterministic, realistic synthetic daily history.

Map of the package's sample modules, in the order `generate_sample_history` uses them:
- `profiles`: per-asset-class ranges that keep levels (the last close), volatilities, dividends
  and volumes realistic.
- `members`: the calendar `Window`, and each instrument's traits and shocks, drawn from a
  generator keyed on its symbol.
- `factors`: the shared factors, simulated on the calendar grid, and each member's own moves.
- `blocks`: the members that share a calendar, moved onto that calendar.
- `corporate_actions`: splits chosen once returns exist, dividends on a per-symbol calendar.
- `pricing`: split-adjusted bars first, then raw prices and volumes.
This module is the pandas front end: it validates the request and assembles the two frames.

Every factor and instrument draws from its own `SeedSequence` keyed on `spec.seed` and its name,
so adding an instrument leaves the others' split-adjusted paths unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from tetra.core.errors import ValidationError
from tetra.model.instruments import Instrument
from tetra.model.sources import SAMPLE_SOURCE
from tetra.sample.blocks import Rows, calendar_block
from tetra.sample.corporate_actions import ACTIONS, choose_splits
from tetra.sample.factors import simulate_daily
from tetra.sample.members import Window, draw_member
from tetra.sample.pricing import price

BAR_INTERVAL = "1d"
BAR_COLUMNS = ("symbol", "interval", "ts", "open", "high", "low", "close", "volume", "source")
CORPORATE_ACTION_COLUMNS = (
    "symbol",
    "ex_date",
    "action",
    "split_from",
    "split_to",
    "cash_amount",
    "currency",
    "source",
)


@dataclass(frozen=True, slots=True)
class SampleSpec:
    """What to generate: the last day, how many years back, and the seed of everything."""

    end: dt.date = dt.date(2025, 12, 31)
    years: int = 10
    seed: int = 20251231

    def __post_init__(self) -> None:
        if self.years < 1 or self.seed < 0:
            raise ValidationError("a sample needs at least one year and a non-negative seed")


@dataclass(frozen=True, slots=True)
class SampleHistory:
    """Raw daily bars and the corporate actions that explain their jumps."""

    bars: pd.DataFrame
    corporate_actions: pd.DataFrame


def generate_sample_history(
    instruments: Sequence[Instrument], equity_sessions: np.ndarray, spec: SampleSpec = SampleSpec()
) -> SampleHistory:
    """Generate raw daily bars and corporate actions for `instruments`, bit-identical per spec.

    Equities and ETFs trade on the `equity_sessions` (sorted dates) inside
    ``[spec.end - spec.years, spec.end]``, crypto on every calendar day; an instrument listed
    inside the window starts on its first trading day on or after `listed`.
    """
    _require_unique_symbols(instruments)
    window = _window_of(spec, equity_sessions)
    members = [draw_member(i, window, spec.seed) for i in sorted(instruments, key=_symbol)]
    returns, variance = simulate_daily(members, window, spec.seed)
    blocks = [
        calendar_block(members, returns, variance, window, every_day) for every_day in (False, True)
    ]
    splits = choose_splits(blocks[0], spec.seed)
    priced = [price(blocks[0], splits), price(blocks[1], [])]
    symbols = [m.instrument.symbol for m in members]
    bars = _bars_frame(symbols, [bars for bars, _ in priced])
    actions = _actions_frame(symbols, [actions for _, actions in priced])
    return SampleHistory(bars=bars, corporate_actions=actions)


def _symbol(instrument: Instrument) -> str:
    return instrument.symbol


def _require_unique_symbols(instruments: Sequence[Instrument]) -> None:
    symbols = [i.symbol for i in instruments]
    if len(set(symbols)) != len(symbols):
        raise ValidationError("the sample universe needs unique symbols")


def _window_of(spec: SampleSpec, equity_sessions: np.ndarray) -> Window:
    start = np.datetime64(_years_before(spec.end, spec.years), "D")
    end = np.datetime64(spec.end, "D")
    days = np.arange(start, end + 1, dtype="datetime64[D]")
    sessions = np.unique(np.asarray(equity_sessions).astype("datetime64[D]"))
    inside = sessions[(sessions >= start) & (sessions <= end)]
    return Window(days=days, session_rows=np.searchsorted(days, inside))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def _joined(parts: list[Rows], order_keys: tuple[str, ...]) -> Rows:
    """Concatenate row sets and sort them stably by `order_keys`, most significant first."""
    rows = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
    order = np.lexsort(tuple(rows[key] for key in reversed(order_keys)))
    return {key: values[order] for key, values in rows.items()}


def _text(vocabulary: Sequence[str], codes: npt.NDArray[np.generic]) -> pd.Index:
    """Return the strings that `codes` pick out of `vocabulary` (fast for millions of rows)."""
    return pd.Index(list(vocabulary), dtype="str").take(codes.astype(np.intp))


def _constant_text(value: str, count: int) -> pd.Index:
    return _text([value], np.zeros(count, dtype=np.intp))


def _bars_frame(symbols: list[str], parts: list[Rows]) -> pd.DataFrame:
    # each part is already sorted by (rank, day) and parts hold disjoint ranks
    rows = _joined(parts, ("rank",))
    count = len(rows["rank"])
    columns = {
        "symbol": _text(symbols, rows["rank"]),
        "interval": _constant_text(BAR_INTERVAL, count),
        "ts": pd.DatetimeIndex(rows["day"].astype("datetime64[ns]")).tz_localize("UTC"),
        **{key: rows[key].astype(np.float64) for key in ("open", "high", "low", "close")},
        "volume": rows["volume"].astype(np.float64),
        "source": _constant_text(SAMPLE_SOURCE, count),
    }
    return pd.DataFrame(columns, columns=list(BAR_COLUMNS))


def _actions_frame(symbols: list[str], parts: list[Rows]) -> pd.DataFrame:
    rows = _joined(parts, ("rank", "day"))
    count = len(rows["rank"])
    columns = {
        "symbol": _text(symbols, rows["rank"]),
        "ex_date": pd.DatetimeIndex(rows["day"].astype("datetime64[ns]")),
        "action": _text(ACTIONS, rows["action"]),
        **{key: rows[key].astype(np.float64) for key in ("split_from", "split_to", "cash_amount")},
        "currency": _constant_text("USD", count),
        "source": _constant_text(SAMPLE_SOURCE, count),
    }
    return pd.DataFrame(columns, columns=list(CORPORATE_ACTION_COLUMNS))
