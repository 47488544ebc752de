"""`EconomicCalendarSource`: US macro events (events.economic_events).

Two parts, returned as two `Fetched` results for the same table:
- scheduled release days of CPI, the Employment Situation and GDP from FRED's
  ``/fred/release/dates`` (future days included), at their New York release time in UTC;
  this part needs a FRED key and is skipped (with a log line) without one;
- FOMC rate decisions from the Federal Reserve's published calendar, shipped as
  ``fomc.toml`` beside this module (FRED has no FOMC schedule endpoint).

The events are not per symbol: `symbols` is accepted for the `EventSource` contract and ignored.
"""

from __future__ import annotations

import asyncio
import logging
import tomllib
from collections.abc import Sequence
from functools import cache
from importlib import resources

import httpx

from tetra.adapters.http import RetryPolicy
from tetra.adapters.http.ratelimit import Sleep
from tetra.adapters.sources.calendar.config import RELEASE_DATES_PAGE_LIMIT, RELEASES, ReleaseSpec
from tetra.adapters.sources.calendar.parsing import (
    FomcCalendar,
    events_frame,
    fomc_rows,
    parse_fomc_calendar,
    parse_release_dates,
)
from tetra.adapters.sources.fred.config import FredConfig
from tetra.adapters.sources.fred.data import fred_http, key_params, pages
from tetra.data.sources import Fetched, RawRecord, Window

log = logging.getLogger(__name__)

ECONOMIC_EVENTS = "events.economic_events"


@cache
def load_fomc_calendar() -> FomcCalendar:
    """Read the shipped FOMC calendar (``fomc.toml`` in this package)."""
    text = resources.files(__package__).joinpath("fomc.toml").read_text(encoding="utf-8")
    return parse_fomc_calendar(tomllib.loads(text))


class EconomicCalendarSource:
    """US economic release days (FRED) and FOMC decisions, as an `EventSource`."""

    name = "economic_calendar"

    def __init__(
        self,
        fred: FredConfig | None = None,
        *,
        releases: Sequence[ReleaseSpec] = RELEASES,
        fomc: FomcCalendar | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.fred = fred or FredConfig()
        self.releases = tuple(releases)
        self.fomc = fomc or load_fomc_calendar()
        self.http = fred_http(self.fred, transport=transport, sleep=sleep, policy=policy)

    async def events(self, symbols: Sequence[str], window: Window) -> list[Fetched]:
        """Return FRED release events (when keyed) and FOMC decisions in `window`."""
        results = [self.fomc_events(window)]
        if self.fred.keyed:
            results.insert(0, await self.release_events(window))
        else:
            log.info("%s: no FRED key; release dates skipped, FOMC only", self.name)
        return results

    async def release_events(self, window: Window) -> Fetched:
        """Return the release days of every tracked FRED release in `window`."""
        rows: list[dict[str, object]] = []
        unparsed: list[RawRecord] = []
        for spec in self.releases:
            release_rows, release_unparsed = await self._release(spec, window)
            rows += release_rows
            unparsed += release_unparsed
        return Fetched(ECONOMIC_EVENTS, events_frame(rows), tuple(unparsed))

    async def _release(
        self, spec: ReleaseSpec, window: Window
    ) -> tuple[list[dict[str, object]], list[RawRecord]]:
        params: dict[str, str | int] = {
            "release_id": spec.release_id,
            **key_params(self.fred),
            "realtime_start": window.start.isoformat(),
            "realtime_end": window.end.isoformat(),
            "include_release_dates_with_no_data": "true",
            "sort_order": "asc",
        }
        url = f"{self.fred.api_url}/release/dates"
        rows: list[dict[str, object]] = []
        unparsed: list[RawRecord] = []
        async for items in pages(self.http, url, params, "release_dates", RELEASE_DATES_PAGE_LIMIT):
            page_rows, page_unparsed = parse_release_dates(spec, items, window)
            rows += page_rows
            unparsed += page_unparsed
        return rows, unparsed

    def fomc_events(self, window: Window) -> Fetched:
        """Return the FOMC decisions in `window` from the shipped calendar."""
        if not self.fomc.covers(window):
            log.warning(
                "%s: the FOMC calendar covers %d-%d only; %s..%s is partly outside it",
                self.name,
                self.fomc.first_year,
                self.fomc.last_year,
                window.start,
                window.end,
            )
        return Fetched(ECONOMIC_EVENTS, events_frame(fomc_rows(self.fomc.decisions, window)))

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> EconomicCalendarSource:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
