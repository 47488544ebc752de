"""Pure functions from FRED payloads to catalog rows; no I/O.

- `page_extent`: how many items a paginated JSON page holds, and FRED's total `count`.
- `parse_observations`: ``/fred/series/observations`` items -> economic_data.indicators rows,
  one per (date, vintage); ``"."`` is a missing value (NULL), not a parse error.
- `parse_graph_csv`: the keyless ``fredgraph.csv`` -> the same rows, stamped with the fetch day
  as their vintage (the CSV carries none).
- `parse_series_info`: ``/fred/series`` -> one economic_data.releases row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from tetra.adapters.sources.fred.config import LATEST_REALTIME, SOURCE
from tetra.core.errors import EmptyResponse, MalformedPayload
from tetra.data.migrations import table
from tetra.data.sources import RawRecord, Window

INDICATOR_COLUMNS = table("economic_data.indicators").column_names
RELEASE_COLUMNS = table("economic_data.releases").column_names
MISSING_VALUES = frozenset({".", ""})

Row = dict[str, object]


def malformed(message: str, payload: object) -> MalformedPayload:
    """Return the error for an unreadable answer, keeping (the start of) what arrived."""
    text = payload if isinstance(payload, str) else json.dumps(payload, default=str)
    return MalformedPayload(SOURCE, message, text[:2000])


def page_extent(payload: Any, items_key: str) -> tuple[list[Any], int]:
    """Return a page's items and FRED's total `count`, or raise `MalformedPayload`."""
    if not isinstance(payload, dict):
        raise malformed(f"expected a JSON object with {items_key!r}", payload)
    items, count = payload.get(items_key), payload.get("count")
    if not isinstance(items, list):
        raise malformed(f"{items_key!r} is missing or not a list", payload)
    if count is None:
        count = len(items)
    if not isinstance(count, int) or isinstance(count, bool):
        raise malformed("'count' is not an integer", payload)
    return items, count


def parse_value(value: object) -> float | None:
    """Read an observation value: a numeric string, ``"."`` (missing) or a JSON number."""
    if isinstance(value, str):
        if value.strip() in MISSING_VALUES:
            return None
        number = float(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            raise ValueError("value is too large a number") from None
    else:
        raise ValueError(f"value {value!r} is neither a string nor a number")
    if not math.isfinite(number):
        raise ValueError(f"value {value!r} is not finite")
    return number


def parse_date(value: object, field: str) -> dt.date:
    if not isinstance(value, str):
        raise ValueError(f"{field} {value!r} is not a date string")
    return dt.date.fromisoformat(value)


def parse_observations(series_id: str, items: Sequence[Any]) -> tuple[list[Row], list[RawRecord]]:
    """Turn observation items into indicator rows; unreadable items become RawRecords."""
    rows: list[Row] = []
    unparsed: list[RawRecord] = []
    for item in items:
        key = _observation_key(series_id, item)
        try:
            rows.append(_observation_row(series_id, item))
        except (ValueError, TypeError, KeyError) as error:
            payload = item if isinstance(item, dict | list | str) else repr(item)
            unparsed.append(RawRecord(f"unreadable observation: {error}", payload, key))
    return rows, unparsed


def _observation_key(series_id: str, item: Any) -> str:
    if not isinstance(item, dict):
        return series_id
    return f"{series_id}/{item.get('date')}/{item.get('realtime_start')}"


def _observation_row(series_id: str, item: Mapping[str, Any]) -> Row:
    if not isinstance(item, dict):
        raise TypeError("observation is not a JSON object")
    return {
        "series_id": series_id,
        "date": parse_date(item["date"], "date"),
        "realtime_start": parse_date(item["realtime_start"], "realtime_start"),
        "realtime_end": parse_date(item["realtime_end"], "realtime_end"),
        "value": parse_value(item["value"]),
        "source": SOURCE,
    }


def indicators_frame(rows: Sequence[Row]) -> pd.DataFrame:
    """Return indicator rows as a frame; dates stay `datetime.date` (9999-12-31 fits)."""
    frame = pd.DataFrame.from_records(list(rows), columns=list(INDICATOR_COLUMNS))
    frame["value"] = frame["value"].astype("float64")
    return frame


def parse_graph_csv(
    series_id: str, text: str, window: Window, known_since: dt.date
) -> tuple[list[Row], list[RawRecord]]:
    """Read ``observation_date,SERIES`` lines in `window`; every row's vintage is `known_since`."""
    lines = list(csv.reader(io.StringIO(text)))
    header = [cell.strip() for cell in lines[0]] if lines else []
    if len(header) != 2 or header[1].upper() != series_id.upper():
        raise malformed(f"fredgraph.csv header is not 'observation_date,{series_id}'", text)
    rows: list[Row] = []
    unparsed: list[RawRecord] = []
    for line in lines[1:]:
        if not line:
            continue
        try:
            row = _csv_row(series_id, line, window, known_since)
        except ValueError as error:
            key = f"{series_id}/{line[0]}"
            unparsed.append(RawRecord(f"unreadable CSV line: {error}", ",".join(line), key))
            continue
        if row is not None:
            rows.append(row)
    return rows, unparsed


def _csv_row(
    series_id: str, line: Sequence[str], window: Window, known_since: dt.date
) -> Row | None:
    """Return the row of one CSV line, or None when its date lies outside `window`."""
    if len(line) != 2:
        raise ValueError(f"expected 2 fields, found {len(line)}")
    day = dt.date.fromisoformat(line[0].strip())
    if not window.start <= day <= window.end:
        return None
    return {
        "series_id": series_id,
        "date": day,
        "realtime_start": known_since,
        "realtime_end": LATEST_REALTIME,
        "value": parse_value(line[1]),
        "source": SOURCE,
    }


def parse_series_info(series_id: str, payload: Any) -> pd.DataFrame:
    """Return the economic_data.releases row of a ``/fred/series`` answer.

    `released` is the day of the series' ``last_updated`` stamp (its latest publication).
    """
    series, _ = page_extent(payload, "seriess")
    if not series:
        raise EmptyResponse(SOURCE, f"no series metadata for {series_id}")
    info = series[0]
    if not isinstance(info, dict):
        raise malformed("series metadata is not a JSON object", payload)
    try:
        released = parse_date(str(info["last_updated"])[:10], "last_updated")
    except (KeyError, ValueError) as error:
        raise malformed(
            f"series metadata has no readable last_updated ({error})", payload
        ) from None
    row = {
        "series_id": series_id,
        "released": released,
        "release_name": None,
        "title": info.get("title"),
        "units": info.get("units"),
        "frequency": info.get("frequency"),
        "seasonal_adjustment": info.get("seasonal_adjustment"),
        "source": SOURCE,
    }
    return pd.DataFrame.from_records([row], columns=list(RELEASE_COLUMNS))
