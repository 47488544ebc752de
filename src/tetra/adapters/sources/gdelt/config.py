"""GDELT 2.0's file layout and the filter that keeps the events markets care about.

Facts (GDELT 2.0 Event codebook and its file server):
- every 15 minutes a zipped Events export is published as
  ``http://data.gdeltproject.org/gdeltv2/YYYYMMDDHHMMSS.export.CSV.zip``; despite the name the
  file is tab-separated, one event per line, 61 columns, no header;
- ``lastupdate.txt`` lists the newest files, one per line as ``size md5 url``;
- history starts with the file of 2015-02-19 00:00 UTC (``FIRST_SLOT``).

The default filter keeps root events of CAMEO root codes 13 to 20 (threaten, protest, exhibit
force posture, reduce relations, coerce, assault, fight, mass violence) with at least 10
mentions: a few dozen events per file instead of about a thousand. Both are settings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tetra.settings import Settings

SOURCE = "gdelt"
BASE_URL = "http://data.gdeltproject.org/gdeltv2"
FIRST_SLOT = dt.datetime(2015, 2, 19, tzinfo=dt.UTC)
SLOT = dt.timedelta(minutes=15)
CONFLICT_ROOT_CODES = ("13", "14", "15", "16", "17", "18", "19", "20")


@dataclass(frozen=True, slots=True)
class GdeltConfig:
    """Where the files are, which events to keep, and how far back a backfill may go."""

    base_url: str = BASE_URL
    root_codes: tuple[str, ...] = CONFLICT_ROOT_CODES
    min_mentions: int = 10
    root_events_only: bool = True
    max_backfill_days: int = 7
    concurrency: int = 4
    timeout: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> GdeltConfig:
        g = settings.gdelt
        return cls(
            root_codes=tuple(g.root_codes),
            min_mentions=g.min_mentions,
            root_events_only=g.root_events_only,
            max_backfill_days=g.max_backfill_days,
        )

    def file_url(self, slot: dt.datetime) -> str:
        return f"{self.base_url}/{slot:%Y%m%d%H%M%S}.export.CSV.zip"

    @property
    def last_update_url(self) -> str:
        return f"{self.base_url}/lastupdate.txt"
