"""Fold stored geopolitical events into a daily index, and date GPR values as vintages.

`daily_index` turns events.geopolitical rows into derived.geopolitical_daily rows: per country
(GDELT's ActionGeo country, FIPS 10-4) and for the world (``'*'``), by the UTC day the events
were published (``added_at``, so a day's value uses only what was known that day):
- ``events``: events stored that day; ``conflict_events``: those of QuadClass 3 or 4;
- ``conflict_intensity``: their mentions, material conflict (QuadClass 4) counted twice;
- ``goldstein`` and ``tone``: means weighted by mentions.
The index covers the events the source's filter kept (conflict root codes by default).

`gpr_vintages` keeps, of freshly dated GPR rows, those new or changed since the stored values;
a changed value is dated the fetch day, so a revision is never visible before it was seen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tetra.data.ports import Query, Store

WORLD = "*"
EVENTS = "events.geopolitical"
GEO_INDEX = "derived.geopolitical_daily"
INDICATORS = "economic_data.indicators"
CAMEO_ROOTS = {  # the conflict root codes the default filter keeps, in words
    "13": "threat",
    "14": "protest",
    "15": "force posture",
    "16": "reduced relations",
    "17": "coercion",
    "18": "assault",
    "19": "fighting",
    "20": "mass violence",
}
LATEST_REALTIME = dt.date(9999, 12, 31)  # a vintage still current, as FRED writes it
INDEX_COLUMNS = [
    "country",
    "date",
    "events",
    "conflict_events",
    "conflict_intensity",
    "mentions",
    "goldstein",
    "tone",
    "source",
]


def daily_index(events: pd.DataFrame, source: str) -> pd.DataFrame:
    """Return the country-by-day index (world rows included) of `events`."""
    if events.empty:
        return pd.DataFrame(columns=INDEX_COLUMNS)
    frame = events.assign(
        date=pd.to_datetime(events["added_at"], utc=True).dt.date,
        country=events["country"].fillna("").replace("", "??"),
    )
    by_country = _fold(frame, ["country", "date"])
    world = _fold(frame.assign(country=WORLD), ["country", "date"])
    index = pd.concat([by_country, world], ignore_index=True)
    index["source"] = source
    return index[INDEX_COLUMNS].sort_values(["date", "country"]).reset_index(drop=True)


def _fold(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    mentions = frame["num_mentions"].astype("float64")
    quad = frame["quad_class"].astype("int64")
    conflict = quad >= 3
    work = pd.DataFrame(
        {
            **{k: frame[k] for k in keys},
            "events": 1,
            "conflict_events": conflict.astype("int64"),
            "conflict_intensity": np.where(conflict, mentions * np.where(quad == 4, 2.0, 1.0), 0.0),
            "mentions": mentions,
            "g_weight": mentions.where(frame["goldstein"].notna(), 0.0),
            "g_sum": (frame["goldstein"].astype("float64") * mentions).fillna(0.0),
            "t_weight": mentions.where(frame["avg_tone"].notna(), 0.0),
            "t_sum": (frame["avg_tone"].astype("float64") * mentions).fillna(0.0),
        }
    )
    summed = work.groupby(keys, as_index=False).sum()
    summed["goldstein"] = summed["g_sum"] / summed["g_weight"].replace(0.0, np.nan)
    summed["tone"] = summed["t_sum"] / summed["t_weight"].replace(0.0, np.nan)
    summed["mentions"] = summed["mentions"].astype("int64")
    return summed


def gpr_vintages(fresh: pd.DataFrame, stored: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """Return the rows to store for `fresh`: new values, revisions, and the vintages they end.

    `stored` holds the stored rows of the same series (any vintages); a value is compared with
    the latest stored vintage of its (series_id, date). New and revised values are current
    (``realtime_end`` = 9999-12-31, FRED's convention); a revision is dated `today` and the
    vintage it replaces gets ``realtime_end`` = the day before.
    """
    current = fresh.assign(realtime_end=LATEST_REALTIME)
    if fresh.empty or stored.empty:
        return current
    latest = (
        stored.assign(date=pd.to_datetime(stored["date"]).dt.date)
        .sort_values("realtime_start")
        .groupby(["series_id", "date"], as_index=False)
        .last()
    )
    merged = current.assign(date=pd.to_datetime(current["date"]).dt.date).merge(
        latest[["series_id", "date", "value"]].rename(columns={"value": "stored_value"}),
        on=["series_id", "date"],
        how="left",
    )
    new = merged["stored_value"].isna()
    changed = ~new & ~np.isclose(merged["value"], merged["stored_value"], rtol=0, atol=1e-9)
    merged.loc[changed, "realtime_start"] = today
    kept = merged[new | changed].drop(columns=["stored_value"])
    revised = merged.loc[changed, ["series_id", "date"]]
    ended = latest.merge(revised, on=["series_id", "date"]).assign(
        realtime_end=today - dt.timedelta(days=1)
    )
    return pd.concat([kept, ended[list(kept.columns)]], ignore_index=True)


@dataclass(frozen=True, slots=True)
class WorldDay:
    """The geopolitical picture of one day, as known at its end (for the daily reports)."""

    day: dt.date
    gpr: float | None  # GPRD's latest observation known on the day
    gpr_change_5: float | None  # against the fifth observation before it
    intensity: float | None  # the world's conflict intensity of the day
    zscore: float | None  # against the 90 days before
    headlines: list[tuple[str, str, int]]  # (root code, place, mentions) of the top events


def world_on(store: Store, day: dt.date, *, top: int = 3, baseline: int = 90) -> WorldDay:
    """Return the GPR index as known on `day`, the world index of `day` and its top events."""
    gpr, change = _gpr_known(store, day)
    intensity, zscore = _world_intensity(store, day, baseline)
    lower = dt.datetime.combine(day, dt.time(), dt.UTC)
    events = store.read(Query(EVENTS, start=lower, end=lower + dt.timedelta(days=1)))
    busiest = events.sort_values("num_mentions", ascending=False).head(top)
    headlines = [
        (str(e["root_code"]), str(e["place"] or e["country"] or "?"), int(e["num_mentions"]))
        for e in busiest.to_dict("records")
    ]
    return WorldDay(day, gpr, change, intensity, zscore, headlines)


def _gpr_known(store: Store, day: dt.date) -> tuple[float | None, float | None]:
    rows = store.read(
        Query(INDICATORS, where={"series_id": "GPRD"}, end=day + dt.timedelta(days=1))
    )
    rows = rows[pd.to_datetime(rows["realtime_start"]) <= pd.Timestamp(day)]
    if rows.empty:
        return None, None
    known = rows.sort_values("realtime_start").groupby("date")["value"].last().sort_index()
    last = float(known.iloc[-1])
    change = last - float(known.iloc[-6]) if len(known) > 5 else None
    return last, change


def _world_intensity(
    store: Store, day: dt.date, baseline: int
) -> tuple[float | None, float | None]:
    start = day - dt.timedelta(days=baseline)
    rows = store.read(
        Query(GEO_INDEX, where={"country": WORLD}, start=start, end=day + dt.timedelta(days=1))
    )
    if rows.empty:
        return None, None
    series = (
        rows.assign(date=pd.to_datetime(rows["date"]).dt.date)
        .groupby("date")["conflict_intensity"]
        .sum()
    )
    today = series.get(day)
    history = series[[d < day for d in series.index]]
    if today is None or len(history) < 30 or float(history.std()) == 0.0:
        return (None if today is None else float(today)), None
    return float(today), float((today - history.mean()) / history.std())
