"""CoinGecko market charts to `market_data.price_series` rows: pure functions, no I/O.

A market chart is ``{"prices": [[ms, value], ...], "market_caps": [...],
"total_volumes": [...]}``: three lists of ``[unix_ms, number]`` pairs, joined here on the
timestamp. Prices drive the rows; a market cap or volume absent (or ``null``) for a price's
timestamp is stored as NULL. A point whose time or any of its values cannot be read becomes
a `RawRecord`, and the other points are kept.

Daily series hold one point per day at 00:00 UTC plus, usually, a last point at the time of
the request: the current price, which moves until the day ends. `midnight_only` drops it
(and anything else off midnight), so a daily series never stores a provisional value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from tetra.adapters.sources.coingecko.config import SOURCE
from tetra.data.migrations import table
from tetra.data.sources import RankedAsset, RawRecord

PRICE_SERIES_COLUMNS = table("market_data.price_series").column_names
DAY_MS = 86_400_000
_SERIES = ("prices", "market_caps", "total_volumes")


class ChartShapeError(ValueError):
    """The market chart as a whole is not in the documented shape."""


class PointError(ValueError):
    """One point cannot be read; the message says which value and why."""


@dataclass(frozen=True, slots=True)
class Point:
    """One timestamp of the chart, its three values joined."""

    ts_ms: int
    price: float
    market_cap: float | None
    volume: float | None


def read_chart(payload: object, symbol: str) -> tuple[list[Point], list[RawRecord]]:
    """Join the chart's three series into points; unreadable ones become RawRecords."""
    series = _series(payload)
    caps = _by_time(series["market_caps"])
    volumes = _by_time(series["total_volumes"])
    points: list[Point] = []
    unparsed: list[RawRecord] = []
    for entry in series["prices"]:
        try:
            points.append(read_point(entry, caps, volumes))
        except PointError as error:
            unparsed.append(_raw_point(str(error), entry, caps, volumes, symbol))
    return points, unparsed


def read_point(entry: object, caps: Mapping[int, object], volumes: Mapping[int, object]) -> Point:
    """Read one ``[ms, price]`` entry and look up its market cap and volume."""
    if not isinstance(entry, list) or len(entry) != 2:
        raise PointError("price point is not a [unix_ms, value] pair")
    ts_ms = _integer(entry[0], "timestamp")
    price = _number(entry[1], "price")
    if price is None:
        raise PointError("price is missing")
    return Point(
        ts_ms, price, _number(caps.get(ts_ms), "market_cap"), _number(volumes.get(ts_ms), "volume")
    )


def midnight_only(points: Iterable[Point]) -> list[Point]:
    """Keep the points at 00:00 UTC: the daily values, not the live last price."""
    return [p for p in points if p.ts_ms % DAY_MS == 0]


def price_series_frame(points: Iterable[Point], symbol: str) -> pd.DataFrame:
    """Build price_series rows, one per timestamp (the first seen wins), oldest first."""
    unique = sorted({p.ts_ms: p for p in reversed(list(points))}.values(), key=_ts_ms)
    frame = pd.DataFrame(
        {
            "symbol": pd.Series([symbol] * len(unique), dtype=object),
            "ts": pd.to_datetime(
                pd.Series([p.ts_ms for p in unique], dtype="int64"), unit="ms", utc=True
            ),
            "price": pd.Series([p.price for p in unique], dtype="float64"),
            "market_cap": pd.Series([_or_nan(p.market_cap) for p in unique], dtype="float64"),
            "volume": pd.Series([_or_nan(p.volume) for p in unique], dtype="float64"),
            "source": pd.Series([SOURCE] * len(unique), dtype=object),
        }
    )
    return frame.loc[:, list(PRICE_SERIES_COLUMNS)]


def _series(payload: object) -> dict[str, list[object]]:
    if not isinstance(payload, dict):
        raise ChartShapeError("market chart is not a JSON object")
    if "prices" not in payload:
        raise ChartShapeError("market chart has no 'prices' list")
    series: dict[str, list[object]] = {}
    for name in _SERIES:
        values = payload.get(name, [])
        if not isinstance(values, list):
            raise ChartShapeError(f"market chart's {name!r} is not a list")
        series[name] = values
    return series


def _by_time(entries: Iterable[object]) -> dict[int, object]:
    """Index ``[ms, value]`` entries by time; entries without an integer time are skipped."""
    indexed: dict[int, object] = {}
    for entry in entries:
        if isinstance(entry, list) and len(entry) == 2 and type(entry[0]) is int:
            indexed.setdefault(entry[0], entry[1])
    return indexed


def _raw_point(
    reason: str,
    entry: object,
    caps: Mapping[int, object],
    volumes: Mapping[int, object],
    symbol: str,
) -> RawRecord:
    ts = entry[0] if isinstance(entry, list) and entry else None
    payload: dict[str, object] = {"price_point": entry}
    if type(ts) is int:
        payload.update(market_cap=caps.get(ts), volume=volumes.get(ts))
    return RawRecord(reason, payload, f"{symbol}/{ts if ts is not None else '?'}")


def _ts_ms(point: Point) -> int:
    return point.ts_ms


def _or_nan(value: float | None) -> float:
    return math.nan if value is None else value


def _integer(value: object, name: str) -> int:
    if type(value) is not int:
        raise PointError(f"{name} is not an integer: {value!r}")
    return value


def _number(value: object, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PointError(f"{name} is not a number: {value!r}")
    try:
        number = float(value)
    except OverflowError:
        raise PointError(f"{name} is too large a number") from None
    if not math.isfinite(number):
        raise PointError(f"{name} is not finite: {value!r}")
    return number


def read_markets(
    payload: object, excluded: frozenset[str], symbols: Mapping[str, str]
) -> list[RankedAsset]:
    """Read ``/coins/markets`` rows (id, symbol, market_cap, ...) into a ranking, largest first.

    Excluded ids and coins without a market cap are skipped; ranks count the coins kept.
    """
    if not isinstance(payload, list):
        raise ChartShapeError("/coins/markets answer is not a list")
    tickers = {coin_id: symbol for symbol, coin_id in symbols.items()}
    kept: list[tuple[float, str, str]] = []
    for entry in payload:
        if not isinstance(entry, Mapping):
            continue
        coin_id, ticker, cap = entry.get("id"), entry.get("symbol"), entry.get("market_cap")
        if not isinstance(coin_id, str) or not isinstance(ticker, str) or coin_id in excluded:
            continue
        if not isinstance(cap, int | float) or isinstance(cap, bool) or not cap > 0:
            continue
        kept.append((float(cap), coin_id, tickers.get(coin_id, ticker.upper())))
    kept.sort(key=lambda item: -item[0])
    return [RankedAsset(symbol, i + 1, cap, cid) for i, (cap, cid, symbol) in enumerate(kept)]
