"""The daily geopolitical index and GPR vintages, on hand-made rows with hand-worked numbers."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tetra.data.geopolitics import daily_index, gpr_vintages


def events(*rows: tuple[str, str, int, float | None, int, float | None]) -> pd.DataFrame:
    """(country, added_at, quad_class, goldstein, mentions, tone) per event."""
    return pd.DataFrame(
        [
            {
                "country": c,
                "added_at": pd.Timestamp(t, tz="UTC"),
                "quad_class": q,
                "goldstein": g,
                "num_mentions": m,
                "avg_tone": tone,
            }
            for c, t, q, g, m, tone in rows
        ]
    )


def test_the_index_counts_weights_and_averages_by_country_and_publication_day() -> None:
    found = events(
        ("UP", "2025-12-01 00:15", 4, -10.0, 30, -8.0),
        ("UP", "2025-12-01 23:45", 3, -4.0, 10, -2.0),
        ("CH", "2025-12-01 12:00", 1, 2.0, 20, None),
        ("UP", "2025-12-02 00:00", 4, -9.0, 5, -6.0),
    )

    index = daily_index(found, "gdelt").set_index(["country", "date"])

    up = index.loc[("UP", dt.date(2025, 12, 1))]
    assert up["events"] == 2
    assert up["conflict_events"] == 2
    assert up["mentions"] == 40
    assert up["conflict_intensity"] == 30 * 2 + 10  # material conflict counts double
    assert up["goldstein"] == pytest.approx((-10.0 * 30 + -4.0 * 10) / 40)
    assert up["tone"] == pytest.approx((-8.0 * 30 + -2.0 * 10) / 40)
    ch = index.loc[("CH", dt.date(2025, 12, 1))]
    assert ch["conflict_events"] == 0
    assert ch["conflict_intensity"] == 0
    assert pd.isna(ch["tone"])  # no tone reported: no average, not zero
    world = index.loc[("*", dt.date(2025, 12, 1))]
    assert world["events"] == 3
    assert world["mentions"] == 60
    assert world["goldstein"] == pytest.approx((-300 - 40 + 40) / 60)
    assert index.loc[("UP", dt.date(2025, 12, 2)), "events"] == 1
    assert set(index["source"]) == {"gdelt"}


def test_an_event_without_a_country_is_counted_under_unknown_and_in_the_world() -> None:
    index = daily_index(events((None, "2025-12-01", 4, -10.0, 10, -5.0)), "gdelt")  # type: ignore[arg-type]

    assert sorted(index["country"]) == ["*", "??"]


def test_no_events_give_an_empty_index() -> None:
    assert daily_index(pd.DataFrame(), "gdelt").empty


def gpr(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "series_id": s,
                "date": dt.date.fromisoformat(d),
                "realtime_start": dt.date.fromisoformat(r),
                "realtime_end": None,
                "value": v,
                "source": "gpr",
            }
            for s, d, r, v in rows
        ]
    )


def test_gpr_vintages_keep_new_values_drop_unchanged_and_date_revisions_today() -> None:
    stored = gpr(
        [("GPRD", "2025-11-24", "2025-12-01", 118.42), ("GPRD", "2025-11-25", "2025-12-02", 121.88)]
    )
    fresh = gpr(
        [
            ("GPRD", "2025-11-24", "2025-12-01", 118.42),  # unchanged
            ("GPRD", "2025-11-25", "2025-12-02", 125.00),  # revised
            ("GPRD", "2025-11-26", "2025-12-03", 135.60),  # new
        ]
    )

    kept = gpr_vintages(fresh, stored, dt.date(2025, 12, 10))

    rows = {(r.date, r.realtime_start): (r.value, r.realtime_end) for r in kept.itertuples()}
    current = dt.date(9999, 12, 31)
    assert rows == {
        (dt.date(2025, 11, 25), dt.date(2025, 12, 10)): (125.00, current),  # the revision
        (dt.date(2025, 11, 25), dt.date(2025, 12, 2)): (121.88, dt.date(2025, 12, 9)),  # ended
        (dt.date(2025, 11, 26), dt.date(2025, 12, 3)): (135.60, current),  # new
    }


def test_gpr_vintages_compare_with_the_latest_vintage() -> None:
    stored = gpr(
        [("GPRD", "2025-11-25", "2025-12-02", 121.88), ("GPRD", "2025-11-25", "2025-12-09", 125.0)]
    )
    fresh = gpr([("GPRD", "2025-11-25", "2025-12-02", 125.0)])

    assert gpr_vintages(fresh, stored, dt.date(2025, 12, 10)).empty
