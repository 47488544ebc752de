"""An economic series' vintages and release days (the Macro page's data), on both stores.

The filled sample's CPI has six months, each first printed 45 days after the month and
revised (+0.5) 90 days after; UNRATE has two months, one vintage each.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

MONTHS = range(1, 7)


def test_the_series_list_gives_each_series_its_latest_release_and_vintage_count(
    client: Any,
) -> None:
    cpi, unrate = client.json("/api/market/macro")["items"]

    last_revision = dt.date(2024, 6, 1) + dt.timedelta(days=90)
    assert (cpi["released"], cpi["vintages"]) == (last_revision.isoformat(), 12)
    assert (unrate["released"], unrate["vintages"]) == ("2024-03-08", 2)


def test_vintages_count_first_prints_and_revisions_oldest_first(client: Any) -> None:
    payload = client.json("/api/market/macro/CPIAUCSL/vintages")

    first_prints = {dt.date(2024, m, 1) + dt.timedelta(days=45) for m in MONTHS}
    revisions = {dt.date(2024, m, 1) + dt.timedelta(days=90) for m in MONTHS}
    days = [dt.date.fromisoformat(v["realtime_start"]) for v in payload["vintages"]]
    assert days == sorted(first_prints | revisions)
    for vintage, day in zip(payload["vintages"], days, strict=True):
        assert (vintage["new"], vintage["revised"]) == ((1, 0) if day in first_prints else (0, 1))


def test_each_vintage_is_a_day_the_series_as_known_changed(client: Any) -> None:
    """Overlaying the series as of each vintage shows every revision, and nothing else."""
    vintages = client.json("/api/market/macro/CPIAUCSL/vintages")["vintages"]

    seen = []
    for vintage in vintages:
        day = dt.date.fromisoformat(vintage["realtime_start"])
        before = client.json(f"/api/market/macro/CPIAUCSL?as_of={day - dt.timedelta(days=1)}")
        on = client.json(f"/api/market/macro/CPIAUCSL?as_of={day}")
        assert before["items"] != on["items"]
        seen.append(len(on["items"]))
    assert seen[-1] == 6


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/market/macro/NOPE/vintages", 404),
        ("/api/market/macro/CPIAUCSL/vintages?source=nope", 404),
        (f"/api/market/macro/{'X' * 65}/vintages", 422),
        (f"/api/market/macro/CPIAUCSL/vintages?source={'s' * 65}", 422),
    ],
)
def test_bad_vintage_requests_are_404_or_422_never_500(client: Any, path: str, status: int) -> None:
    response = client.get(path)

    assert response.status_code == status, response.text
