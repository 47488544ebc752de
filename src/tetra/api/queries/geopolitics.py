"""Geopolitical spikes to mark on a chart: days the world's conflict index jumped.

A day is a spike when its world conflict intensity (derived.geopolitical_daily, country '*')
exceeds the mean of the `BASELINE_DAYS` before it by `THRESHOLD` standard deviations. The
busiest `MAX_MARKERS` spikes in the range are returned, each with the most-mentioned event
published that day as its headline. With several sources, the one with most rows is used.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from tetra.api.queries.common import day_bounds
from tetra.api.schemas.market import GeopoliticalMarker
from tetra.data.geopolitics import CAMEO_ROOTS
from tetra.data.ports import Query, Store

INDEX = "derived.geopolitical_daily"
EVENTS = "events.geopolitical"
BASELINE_DAYS = 90
THRESHOLD = 2.0
MAX_MARKERS = 12


def spikes(store: Store, days: tuple[dt.date, dt.date]) -> list[GeopoliticalMarker]:
    """Return the marked spike days within `days` (both inclusive), oldest first."""
    first, last = days
    start = first - dt.timedelta(days=BASELINE_DAYS)
    world = store.read(
        Query(INDEX, where={"country": "*"}, start=start, end=last + dt.timedelta(days=1))
    )
    if world.empty:
        return []
    source = str(world["source"].value_counts().idxmax())
    series = _daily(world[world["source"] == source])
    found = _spike_days(series, first, last)
    return [_marker(store, source, day, series, z) for day, z in found]


def _daily(world: pd.DataFrame) -> pd.Series:
    values = world.assign(date=pd.to_datetime(world["date"])).set_index("date")
    daily = values["conflict_intensity"].astype("float64").sort_index()
    return daily.reindex(pd.date_range(daily.index.min(), daily.index.max()), fill_value=0.0)


def _spike_days(series: pd.Series, first: dt.date, last: dt.date) -> list[tuple[dt.date, float]]:
    baseline = series.shift(1).rolling(BASELINE_DAYS, min_periods=30)
    z = (series - baseline.mean()) / baseline.std().replace(0.0, np.nan)
    inside = z[(z.index >= pd.Timestamp(first)) & (z.index <= pd.Timestamp(last))]
    chosen = inside[inside > THRESHOLD].nlargest(MAX_MARKERS).sort_index()
    return [(pd.Timestamp(str(ts)).date(), float(value)) for ts, value in chosen.items()]


def _marker(
    store: Store, source: str, day: dt.date, series: pd.Series, z: float
) -> GeopoliticalMarker:
    lower, upper = day_bounds(day, day, timestamps=True)
    events = store.read(Query(EVENTS, where={"source": source}, start=lower, end=upper))
    top = events.sort_values("num_mentions", ascending=False).head(1).to_dict("records")
    headline, country = None, None
    if top:
        event = top[0]
        what = CAMEO_ROOTS.get(str(event["root_code"]), f"CAMEO {event['root_code']}")
        headline = f"{what}: {event['place'] or event['country'] or 'unknown place'}"
        country = event["country"]
    return GeopoliticalMarker(
        date=day,
        conflict_intensity=float(series.loc[pd.Timestamp(day)]),
        zscore=round(z, 2),
        headline=headline,
        country=country,
        source=source,
    )
