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

import numpy as np
import pandas as pd

WORLD = "*"
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
    """Return the rows of `fresh` to store: values not stored yet, or changed (dated `today`).

    `stored` holds the stored rows of the same series (any vintages); the latest vintage of
    each (series_id, date) is what a changed value is compared with.
    """
    if fresh.empty or stored.empty:
        return fresh
    latest = (
        stored.sort_values("realtime_start")
        .groupby(["series_id", "date"], as_index=False)
        .last()[["series_id", "date", "value"]]
        .rename(columns={"value": "stored_value"})
    )
    latest["date"] = pd.to_datetime(latest["date"]).dt.date
    merged = fresh.assign(date=pd.to_datetime(fresh["date"]).dt.date).merge(
        latest, on=["series_id", "date"], how="left"
    )
    new = merged["stored_value"].isna()
    changed = ~new & ~np.isclose(merged["value"], merged["stored_value"], rtol=0, atol=1e-9)
    merged.loc[changed, "realtime_start"] = today
    return merged[new | changed].drop(columns=["stored_value"]).reset_index(drop=True)
