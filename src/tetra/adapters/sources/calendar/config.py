"""Which releases the economic calendar tracks, when they come out and how much they matter.

Importance: the FOMC decision, CPI and the Employment Situation (payrolls) are "high": they
move rates and equities on the day. GDP is "medium": FRED's release 53 mixes the advance,
second and third estimates, and only the advance estimate regularly surprises markets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from tetra.model.events import Importance

NEW_YORK = ZoneInfo("America/New_York")
COUNTRY = "US"
FRED_SOURCE = "fred"
FOMC_SOURCE = "federalreserve"
FOMC_EVENT = "FOMC rate decision"
FOMC_ANNOUNCEMENT = dt.time(14, 0)  # policy statement, 2 p.m. Eastern on the decision day
RELEASE_DATES_PAGE_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class ReleaseSpec:
    """A FRED release (by id) as a calendar event, published at `local_time` New York time."""

    release_id: int
    event: str
    local_time: dt.time
    importance: Importance


RELEASES: tuple[ReleaseSpec, ...] = (
    ReleaseSpec(10, "CPI", dt.time(8, 30), Importance.HIGH),
    ReleaseSpec(50, "Nonfarm payrolls", dt.time(8, 30), Importance.HIGH),
    ReleaseSpec(53, "GDP", dt.time(8, 30), Importance.MEDIUM),
)
