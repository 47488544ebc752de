"""The record rules every fetched row meets before it is stored, on either store.

`check_rows` splits a source's rows into clean ones and rejected ones with their reasons (the
quarantine's). It runs before the table's own batch checks (`tetra.data.batches`: types, nulls,
duplicate keys, the OHLC invariants) and adds what only the pipeline knows or what a column type
cannot say:

- the record's time lies in the window that was asked for (one day of slack either side for
  time zones), and not in the future beyond `FUTURE_TOLERANCE` (bars: not at all);
- prices and volumes within magnitude bounds (`MAX_PRICE`, `MAX_VOLUME`); a VWAP positive and
  within low..high;
- symbols and series ids meet one rule (`symbol_problem`): non-empty, at most 32 characters of
  letters, digits and ``. - _ / : = ^``, or the ``*`` wildcard;
- control characters are removed from free text (PostgreSQL refuses NUL; the rest corrupts
  displays and exports); in a key column they reject the record instead, since a changed key
  would be a different record.

Unparseable values (text where a number belongs) are left to the batch checks, which name them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tetra.data.migrations import table
from tetra.data.schema import ColumnType, Table
from tetra.data.sources import Window

MAX_PRICE = 1e9  # above any traded price (BRK.A is under 1e6); below it, a price is believable
MAX_VOLUME = 1e15  # shares or coins in one bar (crypto quote volumes included)
MAX_SYMBOL_LENGTH = 32
FUTURE_TOLERANCE = dt.timedelta(days=1)
WINDOW_SLACK = dt.timedelta(days=1)
VWAP_TOLERANCE = 1e-6  # relative: vendors round VWAP and low/high differently

_SYMBOL = re.compile(rf"^(?:\*|[A-Za-z0-9^][A-Za-z0-9.\-_/:=^]{{0,{MAX_SYMBOL_LENGTH - 1}}})$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# The column that must lie in the requested window, per dataset (what the sources ask by).
WINDOW_COLUMNS = {
    "market_data.ohlcv": "ts",
    "market_data.price_series": "ts",
    "market_data.corporate_actions": "ex_date",
    "economic_data.indicators": "date",
    "news.articles": "published_at",
}
# Columns that may not lie in the future (events are scheduled ahead, so they may).
FUTURE_COLUMNS = {
    "market_data.price_series": ("ts",),
    "economic_data.indicators": ("date", "realtime_start"),
    "news.articles": ("published_at",),
    "news.sentiment": ("published_at",),
}
PRICE_COLUMNS = {
    "market_data.ohlcv": ("open", "high", "low", "close", "vwap"),
    "market_data.price_series": ("price",),
    "market_data.corporate_actions": ("cash_amount",),
    "events.dividends": ("cash_amount",),
}
VOLUME_COLUMNS = {
    "market_data.ohlcv": ("volume",),
    "market_data.price_series": ("volume", "market_cap"),
}
SYMBOL_COLUMNS = ("symbol", "series_id")


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What the rules judge against: the time of the run and the window that was asked for."""

    now: dt.datetime
    window: Window | None = None


@dataclass(frozen=True, slots=True)
class Checked:
    """Rows that meet the rules (text cleaned) and rows that do not, with a `reason` column."""

    valid: pd.DataFrame
    rejected: pd.DataFrame


def symbol_problem(symbol: object) -> str | None:
    """Return why `symbol` is not an acceptable symbol or series id, or None if it is."""
    if not isinstance(symbol, str) or not symbol:
        return "is empty"
    if len(symbol) > MAX_SYMBOL_LENGTH:
        return f"is longer than {MAX_SYMBOL_LENGTH} characters"
    if not _SYMBOL.match(symbol):
        return "holds characters other than letters, digits and . - _ / : = ^"
    return None


def check_rows(dataset: str, rows: pd.DataFrame, context: RuleContext) -> Checked:
    """Return `rows` split by the rules; the valid ones have control characters removed."""
    if rows.empty:
        return Checked(rows, rows.assign(reason=pd.Series(dtype=object)))
    frame = rows.reset_index(drop=True)
    target = table(dataset)
    reasons: list[list[str]] = [[] for _ in range(len(frame))]
    for rule in _RULES:
        for row, reason in rule(target, frame, context):
            reasons[row].append(reason)
    bad = np.array([bool(r) for r in reasons], dtype=bool)
    rejected = frame[bad].assign(reason=["; ".join(r) for r in reasons if r])
    valid = _without_control_characters(target, frame[~bad].reset_index(drop=True))
    return Checked(valid, rejected.reset_index(drop=True))


Problems = list[tuple[int, str]]
Rule = Callable[[Table, pd.DataFrame, RuleContext], Problems]


def _symbols(target: Table, frame: pd.DataFrame, _: RuleContext) -> Problems:
    problems: Problems = []
    for name in SYMBOL_COLUMNS:
        if name not in frame.columns or name not in target.column_names:
            continue
        for row, value in enumerate(frame[name].tolist()):
            why = symbol_problem(value)
            if why is not None:
                problems.append((row, f"{name} {why}"))
    return problems


def _control_in_keys(target: Table, frame: pd.DataFrame, _: RuleContext) -> Problems:
    problems: Problems = []
    for name in target.key:
        if name in SYMBOL_COLUMNS or name not in frame.columns:
            continue
        if target.column(name).type is not ColumnType.TEXT:
            continue
        for row, value in enumerate(frame[name].tolist()):
            if isinstance(value, str) and _CONTROL.search(value):
                problems.append((row, f"{name} holds control characters"))
    return problems


def _in_window(target: Table, frame: pd.DataFrame, context: RuleContext) -> Problems:
    name = WINDOW_COLUMNS.get(target.qualified_name)
    if context.window is None or name is None or name not in frame.columns:
        return []
    stamps = _utc(frame[name])
    first = pd.Timestamp(context.window.start, tz="UTC") - WINDOW_SLACK
    after = pd.Timestamp(context.window.end, tz="UTC") + dt.timedelta(days=1) + WINDOW_SLACK
    outside = stamps.notna() & ((stamps < first) | (stamps >= after))
    window = f"{context.window.start}..{context.window.end}"
    return [
        (int(row), f"{name} {_day(stamps.iloc[row])} outside the requested window {window}")
        for row in np.flatnonzero(outside.to_numpy())
    ]


def _not_future(target: Table, frame: pd.DataFrame, context: RuleContext) -> Problems:
    latest = pd.Timestamp(context.now) + FUTURE_TOLERANCE
    problems: Problems = []
    for name in FUTURE_COLUMNS.get(target.qualified_name, ()):
        if name not in frame.columns:
            continue
        stamps = _utc(frame[name])
        future = np.flatnonzero((stamps.notna() & (stamps > latest)).to_numpy())
        problems += [(int(row), f"{name} in the future") for row in future]
    return problems


def _magnitudes(target: Table, frame: pd.DataFrame, _: RuleContext) -> Problems:
    dataset = target.qualified_name
    bounded = [(n, MAX_PRICE) for n in PRICE_COLUMNS.get(dataset, ())]
    bounded += [(n, MAX_VOLUME) for n in VOLUME_COLUMNS.get(dataset, ())]
    problems: Problems = []
    for name, limit in bounded:
        if name not in frame.columns:
            continue
        values = _numbers(frame[name])
        with np.errstate(invalid="ignore"):
            huge = np.flatnonzero(np.isfinite(values) & (np.abs(values) > limit))
        problems += [(int(row), f"{name} above {limit:.0e}") for row in huge]
    return problems


def _vwap(target: Table, frame: pd.DataFrame, _: RuleContext) -> Problems:
    if target.qualified_name != "market_data.ohlcv" or "vwap" not in frame.columns:
        return []
    vwap, low, high = (_numbers(frame[n]) for n in ("vwap", "low", "high"))
    slack = VWAP_TOLERANCE * np.abs(vwap)
    with np.errstate(invalid="ignore"):
        given = ~np.isnan(vwap)
        not_positive = given & ~(vwap > 0)
        outside = given & (vwap > 0) & ((vwap < low - slack) | (vwap > high + slack))
    return [(int(r), "vwap is not positive") for r in np.flatnonzero(not_positive)] + [
        (int(r), "vwap outside low..high") for r in np.flatnonzero(outside)
    ]


_RULES: tuple[Rule, ...] = (_symbols, _control_in_keys, _in_window, _not_future, _magnitudes, _vwap)


def _without_control_characters(target: Table, frame: pd.DataFrame) -> pd.DataFrame:
    texts = [
        c.name
        for c in target.columns
        if c.type in (ColumnType.TEXT, ColumnType.JSON)
        and c.name not in target.key
        and c.name in frame.columns
    ]
    if not texts or frame.empty:
        return frame
    cleaned = frame.copy()
    for name in texts:
        values = [_clean(v) for v in frame[name].tolist()]
        cleaned[name] = pd.Series(values, index=frame.index, dtype=object)
    return cleaned


def _clean(value: object) -> object:
    return _CONTROL.sub("", value) if isinstance(value, str) else value


def _utc(values: pd.Series) -> pd.Series:
    """Return times as UTC timestamps; what cannot be read becomes NaT (the batch names it)."""
    try:
        return pd.to_datetime(values, utc=True, errors="coerce")
    except (TypeError, ValueError, OverflowError):
        return pd.Series([_one_utc(v) for v in values.tolist()], dtype="datetime64[ns, UTC]")


def _one_utc(value: object) -> pd.Timestamp | None:
    try:
        stamp = pd.to_datetime(pd.Series([value], dtype=object), utc=True, errors="coerce").iloc[0]
    except (TypeError, ValueError, OverflowError):
        return None
    return stamp if isinstance(stamp, pd.Timestamp) else None


def _numbers(values: pd.Series) -> np.ndarray:
    """Return a column as floats; what is not a number becomes NaN (the batch names it)."""
    try:
        numbers = pd.to_numeric(values, errors="coerce")
    except (OverflowError, TypeError, ValueError):  # an integer too large for a float
        return np.array([_one_number(v) for v in values.tolist()], dtype=np.float64)
    return np.asarray(numbers, dtype=np.float64)


def _one_number(value: object) -> float:
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:
            return float(np.sign(value) * np.finfo(np.float64).max)  # too large: above any bound
    try:
        return float(pd.to_numeric(pd.Series([value], dtype=object), errors="coerce").iloc[0])
    except (OverflowError, TypeError, ValueError):
        return float("nan")


def _day(stamp: pd.Timestamp) -> str:
    return str(stamp.date())
