"""The sample's calendar events, served through the `EventSource` port as a vendor's are.

- events.earnings: the quarterly reports of the sample's stocks (`tetra.sample.events`);
- events.economic_events: the FOMC decisions of the shipped Federal Reserve calendar, and the
  CPI and GDP releases of the sample's own series, on the day each observation became known,
  at 8:30 New York time, with the value released (`actual`) and the one before (`previous`).
Every row says ``source = 'sample'``; only days inside the asked window are returned.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from tetra.adapters.sources.calendar.config import FOMC_EVENT, RELEASES
from tetra.adapters.sources.calendar.data import load_fomc_calendar
from tetra.adapters.sources.calendar.parsing import event_row, events_frame, release_ts
from tetra.adapters.sources.sample_extras import SampleMacroSource
from tetra.data.sources import Fetched, Window
from tetra.data.universe import load_universe
from tetra.model.events import Importance
from tetra.model.instruments import AssetClass
from tetra.model.sources import SAMPLE_SOURCE
from tetra.sample.events import generate_earnings

__all__ = ["SampleCalendarSource"]

EARNINGS = "events.earnings"
ECONOMIC_EVENTS = "events.economic_events"
_RELEASED = {"CPIAUCSL": ("CPI", "index"), "GDP": ("GDP", "billions of dollars")}


class SampleCalendarSource:
    """Earnings of the sample's stocks and the economic calendar, for any window."""

    name = SAMPLE_SOURCE

    def __init__(self, macro: SampleMacroSource) -> None:
        self.macro = macro

    async def events(self, symbols: Sequence[str], window: Window) -> list[Fetched]:
        """Return the earnings of the stocks among `symbols` and the economic events in `window`."""
        universe = load_universe()
        stocks = [
            s for s in symbols if s in universe and universe.get(s).asset_class is AssetClass.EQUITY
        ]
        spec = self.macro.spec
        earnings = generate_earnings(stocks, window.start, window.end, spec.seed, SAMPLE_SOURCE)
        observations = (await self.macro.macro()).observations
        economic = events_frame(_fomc_rows(window) + _release_rows(observations, window))
        return [Fetched(EARNINGS, earnings), Fetched(ECONOMIC_EVENTS, economic)]


def _fomc_rows(window: Window) -> list[dict[str, object]]:
    return [
        event_row(FOMC_EVENT, release_ts(d.day, d.announced), Importance.HIGH, SAMPLE_SOURCE)
        for d in load_fomc_calendar().decisions
        if window.start <= d.day <= window.end
    ]


def _release_rows(observations: pd.DataFrame, window: Window) -> list[dict[str, object]]:
    specs = {spec.event: spec for spec in RELEASES}
    rows: list[dict[str, object]] = []
    for series_id, (event, unit) in _RELEASED.items():
        spec = specs[event]
        values = observations[observations["series_id"] == series_id].sort_values("date")
        previous = values["value"].shift(1)
        for known, actual, before in zip(
            values["realtime_start"], values["value"], previous, strict=True
        ):
            day = pd.Timestamp(known).date()
            if not window.start <= day <= window.end:
                continue
            row = event_row(event, release_ts(day, spec.local_time), spec.importance, SAMPLE_SOURCE)
            row.update(actual=float(actual), previous=_number(before), unit=unit)
            rows.append(row)
    return rows


def _number(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(value)
