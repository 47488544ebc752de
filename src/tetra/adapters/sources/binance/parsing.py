"""Binance klines to `market_data.ohlcv` rows: pure functions, no I/O.

A kline is the array ``[openTime, open, high, low, close, volume, closeTime,
quoteAssetVolume, numberOfTrades, takerBuyBaseAssetVolume, takerBuyQuoteAssetVolume,
ignore]``: times in Unix milliseconds, prices and volumes as **strings**. A kline is
identified by its open time, which becomes ``ts`` (UTC midnight for daily klines).

- `read_klines` turns each array into a `Kline`, or into a `RawRecord` saying why not (a
  second kline of the same open time included: none vanishes untraced);
- `closed_klines` keeps the klines whose close time has passed (the newest may be open);
- `klines_frame` builds the rows, one per open time, with ``vwap`` derived from the quote
  volume.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from tetra.adapters.sources.binance.config import SOURCE
from tetra.data.migrations import table
from tetra.data.sources import RawRecord

OHLCV_COLUMNS = table("market_data.ohlcv").column_names
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_LATEST_MS = 7_258_118_400_000  # 2200-01-01T00:00Z
_FIELDS_USED = 9  # openTime .. numberOfTrades; the taker volumes and `ignore` are not stored


class KlineError(ValueError):
    """One kline cannot be read; the message says which field and why."""


@dataclass(frozen=True, slots=True)
class Kline:
    """The fields of one kline that Tetra keeps, read into numbers."""

    open_time: int
    open: float
    high: float
    low: float
    close: float
    volume: float
    close_time: int
    quote_volume: float
    trades: int

    @property
    def vwap(self) -> float | None:
        return self.quote_volume / self.volume if self.volume > 0 else None


def read_kline(row: object) -> Kline:
    """Read one kline array, raising `KlineError` for a missing field or a bad value."""
    if not isinstance(row, list) or len(row) < _FIELDS_USED:
        raise KlineError(f"kline is not an array of at least {_FIELDS_USED} fields")
    return Kline(
        open_time=_time(row[0], "openTime"),
        open=_number(row[1], "open"),
        high=_number(row[2], "high"),
        low=_number(row[3], "low"),
        close=_number(row[4], "close"),
        volume=_number(row[5], "volume"),
        close_time=_time(row[6], "closeTime"),
        quote_volume=_number(row[7], "quoteAssetVolume"),
        trades=_count(row[8], "numberOfTrades"),
    )


def read_klines(rows: Iterable[object], key_prefix: str) -> tuple[list[Kline], list[RawRecord]]:
    """Read every kline; the unreadable ones become RawRecords keyed ``prefix/openTime``."""
    klines: list[Kline] = []
    unparsed: list[RawRecord] = []
    seen: set[int] = set()
    for row in rows:
        try:
            kline = read_kline(row)
            if kline.open_time in seen:
                raise KlineError("duplicate openTime: the first kline of that time is kept")
        except KlineError as error:
            unparsed.append(RawRecord(str(error), raw_payload(row), _record_key(key_prefix, row)))
            continue
        seen.add(kline.open_time)
        klines.append(kline)
    return klines, unparsed


def closed_klines(klines: Iterable[Kline], now_ms: int) -> list[Kline]:
    """Keep the klines already closed at `now_ms`: an open one would change after storing."""
    return [k for k in klines if k.close_time <= now_ms]


def klines_frame(klines: Iterable[Kline], symbol: str, interval: str) -> pd.DataFrame:
    """Build ohlcv rows, one per open time (the first seen wins), oldest first."""
    unique = sorted({k.open_time: k for k in reversed(list(klines))}.values(), key=_open_time)
    frame = pd.DataFrame(
        {
            "symbol": pd.Series([symbol] * len(unique), dtype=object),
            "interval": pd.Series([interval] * len(unique), dtype=object),
            "ts": pd.to_datetime(
                pd.Series([k.open_time for k in unique], dtype="int64"), unit="ms", utc=True
            ),
            "open": pd.Series([k.open for k in unique], dtype="float64"),
            "high": pd.Series([k.high for k in unique], dtype="float64"),
            "low": pd.Series([k.low for k in unique], dtype="float64"),
            "close": pd.Series([k.close for k in unique], dtype="float64"),
            "volume": pd.Series([k.volume for k in unique], dtype="float64"),
            "vwap": pd.Series([_or_nan(k.vwap) for k in unique], dtype="float64"),
            "trades": pd.Series([k.trades for k in unique], dtype="int64"),
            "source": pd.Series([SOURCE] * len(unique), dtype=object),
        }
    )
    return frame.loc[:, list(OHLCV_COLUMNS)]


def to_millis(instant: dt.datetime) -> int:
    """Return a timezone-aware instant as Unix milliseconds."""
    return (instant - _EPOCH) // dt.timedelta(milliseconds=1)


def raw_payload(row: object) -> Mapping[str, object] | Sequence[object] | str:
    """Return a vendor record in a form a RawRecord can keep (JSON text for scalars)."""
    if isinstance(row, list | dict):
        return row
    return json.dumps(row, default=str)


def _open_time(kline: Kline) -> int:
    return kline.open_time


def _or_nan(value: float | None) -> float:
    return math.nan if value is None else value


def _record_key(prefix: str, row: object) -> str:
    open_time = row[0] if isinstance(row, list) and row else "?"
    return f"{prefix}/{open_time}"


def _number(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise KlineError(f"{name} is not a number: {value!r}")
    try:
        number = float(value)
    except (ValueError, OverflowError):  # not a number, or an integer too large for a float
        raise KlineError(f"{name} is not a number: {value!r}") from None
    if not math.isfinite(number):
        raise KlineError(f"{name} is not finite: {value!r}")
    return number


def _time(value: object, name: str) -> int:
    """Read Unix milliseconds between 1970 and 2200 (a time beyond cannot be a kline's)."""
    millis = _integer(value, name)
    if not 0 <= millis < _LATEST_MS:
        raise KlineError(f"{name} is not a time between 1970 and 2200: {value!r}")
    return millis


def _count(value: object, name: str) -> int:
    count = _integer(value, name)
    if not 0 <= count < 2**63:
        raise KlineError(f"{name} is not a count that fits 64 bits: {value!r}")
    return count


def _integer(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise KlineError(f"{name} is not an integer: {value!r}")
    return value
