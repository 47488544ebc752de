"""Polygon payloads -> catalog rows: pure functions, no I/O.

`read_page` checks an answer's envelope (``results`` absent means "no data", ``next_url``
optional); `parse_bars`, `parse_splits` and `parse_dividends` turn its records into rows of
``market_data.ohlcv`` / ``market_data.corporate_actions`` and set aside, as `RawRecord`s, the
records that cannot be read.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tetra.adapters.sources.polygon.config import SOURCE
from tetra.core.errors import MalformedPayload
from tetra.data.migrations import table
from tetra.data.sources import RawRecord

OHLCV_COLUMNS = table("market_data.ohlcv").column_names
ACTION_COLUMNS = table("market_data.corporate_actions").column_names
EXCHANGE_TZ = "America/New_York"

_EXACT = 2**53  # integers above this are not exact as JSON numbers read into floats
_LATEST_MS = 7_258_118_400_000  # 2200-01-01T00:00Z: a later bar time is garbage

RowReader = Callable[[Any, str], dict[str, object]]


class Unreadable(ValueError):
    """One record cannot become a row; the message says why."""


@dataclass(frozen=True, slots=True)
class Page:
    """One answer of a paginated endpoint: its records and the link to the next page."""

    results: tuple[Any, ...]
    next_url: str | None


def read_page(payload: Any, text: str = "") -> Page:
    """Check a decoded answer's envelope; raise `MalformedPayload` if it is not Polygon's shape.

    A missing ``results`` key is Polygon's way of saying "no data" and gives an empty page.
    """
    if not isinstance(payload, dict):
        raise MalformedPayload(SOURCE, "answer is not a JSON object", text)
    results = payload.get("results", [])
    next_url = payload.get("next_url")
    if not isinstance(results, list):
        raise MalformedPayload(SOURCE, "'results' is not a list", text)
    if next_url is not None and not isinstance(next_url, str):
        raise MalformedPayload(SOURCE, "'next_url' is not a string", text)
    return Page(tuple(results), next_url or None)


def parse_bars(
    results: Sequence[Any], symbol: str, interval: str, *, crypto: bool = False
) -> tuple[pd.DataFrame, list[RawRecord]]:
    """Return ``market_data.ohlcv`` rows of aggregate bars, and the bars that cannot be read.

    Daily bars start at midnight US/Eastern (UTC for crypto); they are stamped at midnight
    UTC of that session date. Finer bars keep their start time, in UTC.
    """
    rows: list[dict[str, object]] = []
    unparsed: list[RawRecord] = []
    for index, record in enumerate(results):
        try:
            rows.append(_bar_row(record, symbol, interval, crypto))
        except Unreadable as why:
            key = f"{symbol}/{interval}/{_get(record, 't', index)}"
            unparsed.append(RawRecord(str(why), _payload(record), key))
    return bars_frame(rows), unparsed


def bars_frame(rows: Sequence[Mapping[str, object]]) -> pd.DataFrame:
    """Return bar rows as a frame with the catalog's columns and dtypes (also when empty)."""
    frame = pd.DataFrame(list(rows), columns=list(OHLCV_COLUMNS))
    floats = ["open", "high", "low", "close", "volume", "vwap"]
    frame[floats] = frame[floats].astype("float64")
    frame["trades"] = frame["trades"].astype("Int64")
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
    return frame


def session_start(t_ms: int, interval: str, *, crypto: bool) -> pd.Timestamp:
    """Return a bar's ``ts``: midnight UTC of the session date for daily bars."""
    start = pd.Timestamp(t_ms, unit="ms", tz="UTC")
    if interval != "1d":
        return start
    local = start if crypto else start.tz_convert(EXCHANGE_TZ)
    return pd.Timestamp(local.date(), tz="UTC")


def parse_splits(results: Sequence[Any], symbol: str) -> tuple[pd.DataFrame, list[RawRecord]]:
    """Return corporate-action rows of ``/v3/reference/splits`` results."""
    return _parse_actions(results, symbol, _split_row)


def parse_dividends(results: Sequence[Any], symbol: str) -> tuple[pd.DataFrame, list[RawRecord]]:
    """Return corporate-action rows of ``/v3/reference/dividends`` results.

    Two cash dividends going ex on one day (say a regular and a special one) become one row
    with their summed amount, since the table holds one dividend per symbol and ex-date.
    """
    frame, unparsed = _parse_actions(results, symbol, _dividend_row)
    return merge_same_day(frame), unparsed


def actions_frame(rows: Sequence[Mapping[str, object]]) -> pd.DataFrame:
    """Return corporate-action rows with the catalog's columns and dtypes (also when empty)."""
    frame = pd.DataFrame(list(rows), columns=list(ACTION_COLUMNS))
    floats = ["split_from", "split_to", "cash_amount"]
    frame[floats] = frame[floats].astype("float64")
    # Columns no row filled would be float NaN, which Arrow cannot cast to a date.
    others = ["currency", "pay_date", "record_date", "declaration_date"]
    frame[others] = frame[others].astype(object).where(frame[others].notna(), None)
    return frame


def merge_same_day(frame: pd.DataFrame) -> pd.DataFrame:
    """Sum the cash of dividends sharing symbol and ex-date; keep the first one's dates."""
    if not frame.duplicated(["symbol", "ex_date", "action"]).any():
        return frame
    keys = ["symbol", "ex_date", "action"]
    how = {c: "sum" if c == "cash_amount" else "first" for c in ACTION_COLUMNS if c not in keys}
    merged = frame.groupby(keys, sort=False, as_index=False).agg(how)
    return merged[list(ACTION_COLUMNS)]


def _parse_actions(
    results: Sequence[Any], symbol: str, row_of: RowReader
) -> tuple[pd.DataFrame, list[RawRecord]]:
    rows: list[dict[str, object]] = []
    unparsed: list[RawRecord] = []
    for record in results:
        try:
            rows.append(row_of(record, symbol))
        except Unreadable as why:
            key = f"{symbol}/{_get(record, 'id', '?')}"
            unparsed.append(RawRecord(str(why), _payload(record), key))
    return actions_frame(rows), unparsed


def _bar_row(record: Any, symbol: str, interval: str, crypto: bool) -> dict[str, object]:
    bar = _object(record)
    vwap = bar.get("vw")
    trades = bar.get("n")
    return {
        "symbol": symbol,
        "interval": interval,
        "ts": session_start(_millis(bar, "t"), interval, crypto=crypto),
        "open": _number(bar, "o"),
        "high": _number(bar, "h"),
        "low": _number(bar, "l"),
        "close": _number(bar, "c"),
        "volume": _number(bar, "v"),
        "vwap": None if vwap is None else _number(bar, "vw"),
        "trades": None if trades is None else _integer(bar, "n"),
        "source": SOURCE,
    }


def _split_row(record: Any, symbol: str) -> dict[str, object]:
    split = _object(record)
    return {
        "symbol": symbol,
        "ex_date": _date(split, "execution_date"),
        "action": "split",
        "split_from": _number(split, "split_from"),
        "split_to": _number(split, "split_to"),
        "source": SOURCE,
    }


def _dividend_row(record: Any, symbol: str) -> dict[str, object]:
    dividend = _object(record)
    currency = dividend.get("currency")
    if currency is not None and not isinstance(currency, str):
        raise Unreadable(f"'currency' is not text: {currency!r}")
    return {
        "symbol": symbol,
        "ex_date": _date(dividend, "ex_dividend_date"),
        "action": "dividend",
        "cash_amount": _number(dividend, "cash_amount"),
        "currency": currency,
        "pay_date": _optional_date(dividend, "pay_date"),
        "record_date": _optional_date(dividend, "record_date"),
        "declaration_date": _optional_date(dividend, "declaration_date"),
        "source": SOURCE,
    }


def _object(record: Any) -> Mapping[str, Any]:
    if not isinstance(record, dict):
        raise Unreadable(f"record is not an object: {type(record).__name__}")
    return record


def _number(record: Mapping[str, Any], name: str) -> float:
    value = record.get(name)
    if value is None:
        raise Unreadable(f"'{name}' is missing")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Unreadable(f"'{name}' is not a number: {value!r}")
    try:
        return float(value)
    except OverflowError:
        raise Unreadable(f"'{name}' is too large a number") from None


def _integer(record: Mapping[str, Any], name: str) -> int:
    value = _number(record, name)
    if not math.isfinite(value) or value != int(value) or abs(value) > _EXACT:
        raise Unreadable(f"'{name}' is not an integer of at most 2**53: {record.get(name)!r}")
    return int(value)


def _millis(record: Mapping[str, Any], name: str) -> int:
    value = _integer(record, name)
    if not 0 <= value < _LATEST_MS:
        raise Unreadable(f"'{name}' is not a time between 1970 and 2200: {value!r}")
    return value


def _date(record: Mapping[str, Any], name: str) -> dt.date:
    value = record.get(name)
    if value is None:
        raise Unreadable(f"'{name}' is missing")
    if not isinstance(value, str):
        raise Unreadable(f"'{name}' is not a date: {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Unreadable(f"'{name}' is not a YYYY-MM-DD date: {value!r}") from None


def _optional_date(record: Mapping[str, Any], name: str) -> dt.date | None:
    return None if record.get(name) in (None, "") else _date(record, name)


def _get(record: Any, name: str, default: object) -> object:
    return record.get(name, default) if isinstance(record, dict) else default


def _payload(record: Any) -> Mapping[str, object] | Sequence[object] | str:
    if isinstance(record, dict | list):
        return record
    return repr(record)
