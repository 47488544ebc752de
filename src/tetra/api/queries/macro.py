"""Economic series: a page of series with their latest values, and observations by vintage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from tetra.api.queries.common import NotFound, Row, day_bounds, rows
from tetra.api.schemas.common import Page
from tetra.api.schemas.macro import MacroVintageOut, MacroVintagesOut
from tetra.api.schemas.market import MacroObservationOut, MacroSeriesOut
from tetra.core.dates import as_date
from tetra.data.ports import Query, Scalar, Store

INDICATORS = "economic_data.indicators"
_ONE_DAY = dt.timedelta(days=1)


def macro_page(store: Store, offset: int, limit: int) -> Page[MacroSeriesOut]:
    """Return a page of the stored series, each with its latest observation."""
    spans = sorted(store.coverage(INDICATORS), key=lambda s: (s.symbol, s.source))
    page = spans[offset : offset + limit]
    latest = _latest_values(store, [(s.symbol, s.source, as_date(s.last)) for s in page])
    titles = _titles(store, [s.symbol for s in page])
    known = _vintage_counts(store, [s.symbol for s in page])
    items = [
        MacroSeriesOut.model_validate(
            {
                "series_id": s.symbol,
                "source": s.source,
                **titles.get(s.symbol, {"title": None, "units": None, "frequency": None}),
                "observations": s.rows,
                "first": as_date(s.first),
                "last": as_date(s.last),
                "last_value": latest.get((s.symbol, s.source)),
                **known.get((s.symbol, s.source), {"released": None, "vintages": 0}),
            }
        )
        for s in page
    ]
    return Page[MacroSeriesOut](items=items, total=len(spans), offset=offset, limit=limit)


def _latest_values(
    store: Store, lasts: list[tuple[str, str, dt.date]]
) -> dict[tuple[str, str], float | None]:
    """Read the latest vintage at each series' last date, one read per distinct date."""
    found: dict[tuple[str, str], float | None] = {}
    for day in sorted({d for _, _, d in lasts}):
        ids = [s for s, _, d in lasts if d == day]
        query = Query(INDICATORS, where={"series_id": ids}, start=day, end=day + _ONE_DAY)
        for row in latest_vintages(rows(store, query)):
            found[(row["series_id"], row["source"])] = row["value"]
    return found


def _vintage_counts(store: Store, series: list[str]) -> dict[tuple[str, str], dict[str, Any]]:
    """Per series and source: the latest release day and the number of distinct vintages."""
    if not series:
        return {}
    columns = ["series_id", "source", "realtime_start"]
    found = rows(store, Query(INDICATORS, where={"series_id": series}, columns=columns))
    days: dict[tuple[str, str], set[dt.date]] = {}
    for row in found:
        days.setdefault((row["series_id"], row["source"]), set()).add(row["realtime_start"])
    return {key: {"released": max(d), "vintages": len(d)} for key, d in days.items()}


def vintages(store: Store, series_id: str, source: str | None) -> MacroVintagesOut:
    """Return the series' vintages, oldest first: values first published and values revised.

    A value is revised when its date already had a value from an earlier vintage.
    """
    where: dict[str, Scalar] = {"series_id": series_id}
    if source is not None:
        where["source"] = source
    found = rows(store, Query(INDICATORS, where=where))
    if not found:
        raise NotFound(f"unknown series {series_id!r}" + (f" from {source!r}" if source else ""))
    found.sort(key=lambda r: (r["realtime_start"], r["date"]))
    seen: set[tuple[str, dt.date]] = set()
    counts: dict[dt.date, list[int]] = {}
    for row in found:
        key = (row["source"], row["date"])
        new, revised = counts.setdefault(row["realtime_start"], [0, 0])
        counts[row["realtime_start"]] = [new + (key not in seen), revised + (key in seen)]
        seen.add(key)
    return MacroVintagesOut(
        series_id=series_id,
        vintages=[
            MacroVintageOut(realtime_start=day, new=n, revised=r)
            for day, (n, r) in sorted(counts.items())
        ],
    )


def _titles(store: Store, series: list[str]) -> dict[str, dict[str, str | None]]:
    releases = rows(store, Query("economic_data.releases", where={"series_id": series}))
    # Ordered by (series_id, released, source), so the newest release of a series wins.
    return {
        r["series_id"]: {"title": r["title"], "units": r["units"], "frequency": r["frequency"]}
        for r in releases
    }


def observations(
    store: Store,
    series_id: str,
    days: tuple[dt.date | None, dt.date | None],
    as_of: dt.date | None,
    source: str | None,
) -> list[MacroObservationOut]:
    """Return the series' observations as known on `as_of` (default: today's vintages)."""
    where: dict[str, Scalar] = {"series_id": series_id}
    if source is not None:
        where["source"] = source
    if store.read(Query(INDICATORS, where=where, limit=1)).empty:
        raise NotFound(f"unknown series {series_id!r}" + (f" from {source!r}" if source else ""))
    lower, upper = day_bounds(*days, timestamps=False)
    found = rows(store, Query(INDICATORS, where=where, start=lower, end=upper))
    if as_of is not None:
        found = [r for r in found if r["realtime_start"] <= as_of]
    return [MacroObservationOut.model_validate(r) for r in latest_vintages(found)]


def latest_vintages(found: Iterable[Row]) -> list[Row]:
    """Keep, per series, source and date, the row with the latest `realtime_start`."""
    best: dict[tuple[str, str, dt.date], Row] = {}
    for row in found:
        key = (row["series_id"], row["source"], row["date"])
        if key not in best or row["realtime_start"] > best[key]["realtime_start"]:
            best[key] = row
    return sorted(best.values(), key=lambda r: (r["date"], r["source"]))
