"""Pure functions from FRED release dates and the FOMC calendar file to event rows; no I/O.

- `release_ts`: a New York wall-clock release time on a day -> the UTC instant (DST-aware).
- `parse_release_dates`: ``/fred/release/dates`` items -> events.economic_events rows.
- `parse_fomc_calendar` / `fomc_rows`: the shipped ``fomc.toml`` -> FOMC decision rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tetra.adapters.sources.calendar.config import (
    COUNTRY,
    FOMC_ANNOUNCEMENT,
    FOMC_EVENT,
    FOMC_SOURCE,
    FRED_SOURCE,
    NEW_YORK,
    ReleaseSpec,
)
from tetra.data.migrations import table
from tetra.data.sources import RawRecord, Window
from tetra.model.events import Importance

EVENT_COLUMNS = table("events.economic_events").column_names

Row = dict[str, object]


def release_ts(day: dt.date, local_time: dt.time) -> dt.datetime:
    """Return the UTC instant of `local_time` New York time on `day` (EST or EDT as due)."""
    return dt.datetime.combine(day, local_time, tzinfo=NEW_YORK).astimezone(dt.UTC)


def event_row(event: str, ts: dt.datetime, importance: Importance, source: str) -> Row:
    """Return an economic_events row; actual, forecast, previous and unit are not known here."""
    return {
        "event": event,
        "ts": ts,
        "country": COUNTRY,
        "importance": importance.value,
        "actual": None,
        "forecast": None,
        "previous": None,
        "unit": None,
        "source": source,
    }


def parse_release_dates(
    spec: ReleaseSpec, items: Sequence[Any], window: Window
) -> tuple[list[Row], list[RawRecord]]:
    """Turn release-date items (``{release_id, date}``) into rows for days in `window`."""
    rows: list[Row] = []
    unparsed: list[RawRecord] = []
    for item in items:
        try:
            day = _release_day(spec, item)
        except (ValueError, TypeError, KeyError) as error:
            payload = item if isinstance(item, dict | list | str) else repr(item)
            key = f"{spec.release_id}/{item.get('date') if isinstance(item, dict) else item}"
            unparsed.append(RawRecord(f"unreadable release date: {error}", payload, key))
            continue
        if window.start <= day <= window.end:
            ts = release_ts(day, spec.local_time)
            rows.append(event_row(spec.event, ts, spec.importance, FRED_SOURCE))
    return rows, unparsed


def _release_day(spec: ReleaseSpec, item: Any) -> dt.date:
    if not isinstance(item, dict):
        raise TypeError("release date is not a JSON object")
    release_id = item.get("release_id", spec.release_id)
    if release_id != spec.release_id:
        raise ValueError(f"belongs to release {release_id!r}, not {spec.release_id}")
    text = item["date"]
    if not isinstance(text, str):
        raise TypeError(f"date {text!r} is not a string")
    return dt.date.fromisoformat(text)


@dataclass(frozen=True, slots=True)
class FomcDecision:
    """One FOMC policy decision: its day and the New York time of the statement."""

    day: dt.date
    announced: dt.time = FOMC_ANNOUNCEMENT


@dataclass(frozen=True, slots=True)
class FomcCalendar:
    """The FOMC decisions of the years `first_year` to `last_year`, in date order."""

    first_year: int
    last_year: int
    decisions: tuple[FomcDecision, ...]

    def covers(self, window: Window) -> bool:
        return self.first_year <= window.start.year and window.end.year <= self.last_year


def parse_fomc_calendar(document: Mapping[str, Any]) -> FomcCalendar:
    """Read the ``fomc.toml`` document; raise ValueError if it is not in the expected shape."""
    try:
        scheduled = [FomcDecision(_as_date(day)) for day in document["scheduled"]]
        unscheduled = [
            FomcDecision(_as_date(entry["decision"]), _as_time(entry["announced"]))
            for entry in document.get("unscheduled", [])
        ]
        first_year, last_year = int(document["first_year"]), int(document["last_year"])
    except (KeyError, TypeError) as error:
        raise ValueError(f"FOMC calendar is malformed: {error!r}") from error
    decisions = tuple(sorted(scheduled + unscheduled, key=lambda d: d.day))
    return FomcCalendar(first_year, last_year, decisions)


def _as_date(value: object) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise TypeError(f"{value!r} is not a TOML date")
    return value


def _as_time(value: object) -> dt.time:
    if not isinstance(value, dt.time):
        raise TypeError(f"{value!r} is not a TOML local time")
    return value


def fomc_rows(decisions: Iterable[FomcDecision], window: Window) -> list[Row]:
    """Return the rows of the decisions whose New York day lies in `window`."""
    return [
        event_row(FOMC_EVENT, release_ts(d.day, d.announced), Importance.HIGH, FOMC_SOURCE)
        for d in decisions
        if window.start <= d.day <= window.end
    ]


def events_frame(rows: Sequence[Row]) -> pd.DataFrame:
    """Return event rows as a frame: `ts` UTC-aware, the numbers float (NaN = unknown)."""
    frame = pd.DataFrame.from_records(list(rows), columns=list(EVENT_COLUMNS))
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
    for name in ("actual", "forecast", "previous"):
        frame[name] = frame[name].astype("float64")
    return frame.sort_values(["ts", "event"], ignore_index=True)
