"""Geopolitical spike markers on the bars endpoint, from a stored world index."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from tetra.api.queries.geopolitics import spikes
from tetra.data.ports import Store


def world(days: int, spike_on: dict[int, float]) -> pd.DataFrame:
    start = dt.date(2025, 1, 1)
    return pd.DataFrame(
        [
            {
                "country": "*",
                "date": start + dt.timedelta(days=i),
                "events": 10,
                "conflict_events": 10,
                "conflict_intensity": spike_on.get(i, 100.0 + (i % 7)),
                "mentions": 100,
                "goldstein": -5.0,
                "tone": -4.0,
                "source": "gdelt",
            }
            for i in range(days)
        ]
    )


def event(day: dt.date, mentions: int, place: str, root: str) -> dict[str, object]:
    return {
        "event_id": f"{day:%Y%m%d}{mentions}",
        "event_date": day,
        "added_at": pd.Timestamp(day, tz="UTC") + pd.Timedelta(hours=3),
        "event_code": f"{root}0",
        "base_code": f"{root}0",
        "root_code": root,
        "quad_class": 4,
        "goldstein": -10.0,
        "num_mentions": mentions,
        "num_sources": 1,
        "num_articles": mentions,
        "avg_tone": -5.0,
        "actor1_name": None,
        "actor1_country": None,
        "actor2_name": None,
        "actor2_country": None,
        "country": "UP",
        "place": place,
        "latitude": None,
        "longitude": None,
        "source_url": "https://example.com/x",
        "source": "gdelt",
    }


def test_a_spike_day_is_marked_with_its_most_mentioned_event(store: Store) -> None:
    store.upsert("derived.geopolitical_daily", world(200, {150: 900.0}))
    spike_day = dt.date(2025, 1, 1) + dt.timedelta(days=150)
    store.upsert(
        "events.geopolitical",
        pd.DataFrame(
            [
                event(spike_day, 40, "Kyiv, Ukraine", "19"),
                event(spike_day, 12, "Lviv, Ukraine", "18"),
            ]
        ),
    )

    found = spikes(store, (dt.date(2025, 4, 1), dt.date(2025, 7, 1)))

    assert [m.date for m in found] == [spike_day]
    assert found[0].headline == "fighting: Kyiv, Ukraine"
    assert found[0].conflict_intensity == 900.0
    assert found[0].zscore > 2.0
    assert found[0].source == "gdelt"


def test_no_index_means_no_markers(store: Store) -> None:
    assert spikes(store, (dt.date(2025, 4, 1), dt.date(2025, 7, 1))) == []


def test_a_calm_range_has_no_markers(store: Store) -> None:
    store.upsert("derived.geopolitical_daily", world(200, {}))

    assert spikes(store, (dt.date(2025, 4, 1), dt.date(2025, 7, 1))) == []
