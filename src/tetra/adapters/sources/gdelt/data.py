"""`GdeltSource`: the Events exports of a window, one day per batch, filtered as configured.

A batch is one UTC day of 15-minute files, fetched `concurrency` at a time; it says up to which
slot it got, so the pipeline moves its watermark only past files it has read and a killed run
resumes at the next slot. A slot the server has no file for (404: GDELT skips one now and
then) is listed as missing, not an error; an unreadable file becomes a quarantined record.
Windows longer than ``max_backfill_days`` are cut to their last days (the full history is
terabytes), and slots after the newest one in ``lastupdate.txt`` are not asked for.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator

import httpx

from tetra.adapters.http import RetryPolicy, VendorHttp
from tetra.adapters.http.ratelimit import Sleep
from tetra.adapters.sources.gdelt.config import FIRST_SLOT, SLOT, SOURCE, GdeltConfig
from tetra.adapters.sources.gdelt.parsing import (
    EventFilter,
    events_frame,
    parse_export,
    parse_last_update,
    unzip_export,
)
from tetra.core.errors import MalformedPayload
from tetra.data.sources import Batch, Fetched, RawRecord, Window

log = logging.getLogger(__name__)

EVENTS = "events.geopolitical"


class _NoFile(Exception):
    """The server has no export for this slot (HTTP 404)."""


class GdeltSource:
    """GDELT 2.0 Events as a `GeopoliticalSource`."""

    name = SOURCE

    def __init__(
        self,
        config: GdeltConfig | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.config = config or GdeltConfig()
        self.filter = EventFilter(
            frozenset(self.config.root_codes),
            self.config.min_mentions,
            self.config.root_events_only,
        )
        self.http = VendorHttp(
            SOURCE,
            policy=policy,
            transport=transport,
            timeout=self.config.timeout,
            sleep=sleep,
            error_check=_no_file,
        )

    async def batches(
        self, window: Window, since: dt.datetime | None = None
    ) -> AsyncIterator[Batch]:
        """Yield one batch per day of `window` with the events of its files after `since`."""
        latest = await self.latest_slot()
        for day, slots in self.plan(window, since, latest).items():
            yield await self._day(day, slots)

    async def latest_slot(self) -> dt.datetime:
        response = await self.http.get(self.config.last_update_url)
        return parse_last_update(response.text)

    def plan(
        self, window: Window, since: dt.datetime | None, latest: dt.datetime
    ) -> dict[dt.date, list[dt.datetime]]:
        """Return the slots to fetch, by day: the window (cut), after `since`, up to `latest`."""
        start = max(window.start, window.end - dt.timedelta(days=self.config.max_backfill_days - 1))
        if start > window.start:
            log.warning(
                "gdelt: window %s..%s cut to its last %d days (%s..)",
                window.start,
                window.end,
                self.config.max_backfill_days,
                start,
            )
        first = max(_midnight(start), FIRST_SLOT)
        if since is not None:
            first = max(first, since + SLOT)
        last = min(_midnight(window.end) + dt.timedelta(days=1) - SLOT, latest)
        days: dict[dt.date, list[dt.datetime]] = {}
        slot = first
        while slot <= last:
            days.setdefault(slot.date(), []).append(slot)
            slot += SLOT
        return days

    async def _day(self, day: dt.date, slots: list[dt.datetime]) -> Batch:
        gate = asyncio.Semaphore(self.config.concurrency)

        async def one(slot: dt.datetime) -> tuple[list[dict[str, object]], list[RawRecord], bool]:
            async with gate:
                return await self._file(slot)

        found = await asyncio.gather(*(one(s) for s in slots))
        rows = [row for part, _, _ in found for row in part]
        bad = tuple(record for _, part, _ in found for record in part)
        missing = tuple(
            f"{s:%Y%m%d%H%M%S}" for s, (_, _, absent) in zip(slots, found, strict=True) if absent
        )
        fetched = Fetched(EVENTS, events_frame(rows, SOURCE), bad)
        note = f"{len(missing)} of {len(slots)} files missing on {day}" if missing else ""
        return Batch([fetched], through=slots[-1], note=note)

    async def _file(
        self, slot: dt.datetime
    ) -> tuple[list[dict[str, object]], list[RawRecord], bool]:
        url = self.config.file_url(slot)
        try:
            response = await self.http.get(url)
        except _NoFile:
            return [], [], True
        try:
            text = unzip_export(response.content, url)
        except MalformedPayload as error:
            return [], [RawRecord(str(error), response.content[:200].hex(), key=url)], False
        rows, bad = parse_export(text, self.filter, url=url)
        return rows, bad, False

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> GdeltSource:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


def _no_file(response: httpx.Response) -> None:
    if response.status_code == 404:
        raise _NoFile(str(response.url))


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
