"""Where the GPR daily file is and how its rows are dated for point-in-time use.

Facts: the authors publish the daily index as a legacy Excel workbook,
``https://www.matteoiacoviello.com/gpr_files/data_gpr_daily_recent.xls``, one row per day since
1985 with the columns DAY (YYYYMMDD), N10D (articles counted), GPRD (the index), GPRD_ACT
(acts), GPRD_THREAT (threats), date, GPRD_MA30, GPRD_MA7 and event. The file carries no
publication dates, so Tetra dates each value itself (`GprSource`): the day it first saw it,
or, for history older than that, the observation day plus ``publication_lag_days``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from tetra.settings import Settings

SOURCE = "gpr"
DAILY_URL = "https://www.matteoiacoviello.com/gpr_files/data_gpr_daily_recent.xls"

GPR_SERIES: Mapping[str, str] = MappingProxyType(
    {
        "GPRD": "Daily geopolitical risk index (Caldara and Iacoviello; 1985-2019 = 100)",
        "GPRD_ACT": "Daily geopolitical acts index",
        "GPRD_THREAT": "Daily geopolitical threats index",
    }
)


@dataclass(frozen=True, slots=True)
class GprConfig:
    url: str = DAILY_URL
    publication_lag_days: int = 7
    timeout: float = 60.0

    @classmethod
    def from_settings(cls, settings: Settings) -> GprConfig:
        return cls(publication_lag_days=settings.gpr.publication_lag_days)
