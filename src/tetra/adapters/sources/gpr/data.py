"""`GprSource`: the GPR daily series as economic observations with Tetra-made vintages.

Each value is stamped ``realtime_start`` = the earlier of today and its day plus the
publication lag: a value first seen now is known from today, while history a backfill reads
counts as known a lag after its day (an assumption, stated in the settings, since the file
has no release dates). `gpr_vintages` (in the pipeline) then keeps only values that are new or
changed since the last stored vintage, a changed value dated today: revisions never leak back.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import httpx
import pandas as pd

from tetra.adapters.http import RetryPolicy, VendorHttp
from tetra.adapters.http.ratelimit import Sleep
from tetra.adapters.sources.gpr.config import SOURCE, GprConfig
from tetra.adapters.sources.gpr.parsing import observations, read_workbook
from tetra.core.clock import Clock, SystemClock
from tetra.core.errors import MalformedPayload
from tetra.data.sources import Batch, Fetched, RawRecord, Window

INDICATORS = "economic_data.indicators"
LATEST_REALTIME = dt.date(9999, 12, 31)  # still current, as FRED writes it


class GprSource:
    """The authors' daily GPR file as a `GeopoliticalSource` (one batch per fetch)."""

    name = SOURCE

    def __init__(
        self,
        config: GprConfig | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Clock | None = None,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.config = config or GprConfig()
        self._clock = clock or SystemClock()
        self.http = VendorHttp(
            SOURCE, policy=policy, transport=transport, timeout=self.config.timeout, sleep=sleep
        )

    async def batches(
        self, window: Window, since: dt.datetime | None = None
    ) -> AsyncIterator[Batch]:
        """Yield the window's observations from one download of the file."""
        now = self._clock.now()
        response = await self.http.get(self.config.url)
        try:
            sheet = read_workbook(response.content)
        except MalformedPayload as error:
            record = RawRecord(str(error), response.content[:200].hex(), key=self.config.url)
            yield Batch([Fetched(INDICATORS, _frame([], now.date(), 0), (record,))], through=now)
            return
        found, bad = observations(sheet, window.start, window.end)
        rows = _frame(found, now.date(), self.config.publication_lag_days)
        yield Batch([Fetched(INDICATORS, rows, tuple(bad))], through=now)

    async def aclose(self) -> None:
        await self.http.aclose()


def _frame(found: list[tuple[str, dt.date, float]], today: dt.date, lag: int) -> pd.DataFrame:
    shift = dt.timedelta(days=lag)
    rows = [
        {
            "series_id": series,
            "date": day,
            "realtime_start": min(today, day + shift),
            "realtime_end": LATEST_REALTIME,
            "value": value,
            "source": SOURCE,
        }
        for series, day, value in found
    ]
    columns = ["series_id", "date", "realtime_start", "realtime_end", "value", "source"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["value"] = frame["value"].astype("float64")
    return frame
