"""The daily reports' geopolitics table, from stored GPR vintages, world index and events."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tetra.cycle.daily_reports import world_lines
from tetra.data.geopolitics import world_on
from tetra.data.ports import Store

DAY = dt.date(2025, 6, 2)


def seed(store: Store) -> None:
    days = [DAY - dt.timedelta(days=i) for i in range(60, -1, -1)]
    store.upsert(
        "derived.geopolitical_daily",
        pd.DataFrame(
            [
                {
                    "country": "*", "date": d, "events": 5, "conflict_events": 5,
                    "conflict_intensity": 900.0 if d == DAY else 100.0 + (d.day % 5),
                    "mentions": 50, "goldstein": -5.0, "tone": -3.0, "source": "gdelt",
                }
                for d in days
            ]
        ),
    )  # fmt: skip
    gpr = [
        {"series_id": "GPRD", "date": d, "realtime_start": d + dt.timedelta(days=7),
         "realtime_end": dt.date(9999, 12, 31), "value": 100.0 + i, "source": "gpr"}
        for i, d in enumerate(days)
    ]  # fmt: skip
    store.upsert("economic_data.indicators", pd.DataFrame(gpr))
    event = {
        "event_id": "1", "event_date": DAY, "added_at": pd.Timestamp(DAY, tz="UTC"),
        "event_code": "190", "base_code": "190", "root_code": "19", "quad_class": 4,
        "goldstein": -10.0, "num_mentions": 44, "num_sources": 4, "num_articles": 44,
        "avg_tone": -7.0, "actor1_name": None, "actor1_country": None, "actor2_name": None,
        "actor2_country": None, "country": "UP", "place": "Kyiv, Ukraine", "latitude": None,
        "longitude": None, "source_url": "https://example.com/a", "source": "gdelt",
    }  # fmt: skip
    store.upsert("events.geopolitical", pd.DataFrame([event]))


def test_the_report_sees_gpr_as_known_that_day_and_the_days_spike(store: Store) -> None:
    seed(store)

    world = world_on(store, DAY)

    # GPR values are public 7 days after their day: the latest known on DAY is DAY - 7
    assert world.gpr == 100.0 + 53
    assert world.gpr_change_5 == pytest.approx(5.0)
    assert world.intensity == 900.0
    assert world.zscore is not None
    assert world.zscore > 10
    assert world.headlines == [("19", "Kyiv, Ukraine", 44)]
    labels = [(line.label, line.value) for line in world_lines(world)]
    assert labels == [
        ("Geopolitical risk index (GPRD)", "153.0"),
        ("World conflict intensity", "900"),
        ("Event: fighting", "Kyiv, Ukraine"),
    ]


def test_a_store_without_geopolitics_gives_an_empty_table(store: Store) -> None:
    assert world_lines(world_on(store, DAY)) == []
