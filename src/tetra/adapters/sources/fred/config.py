"""FRED's endpoints, limits and the key indicators Tetra tracks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from pydantic import SecretStr

from tetra.settings import Settings

SOURCE = "fred"
API_URL = "https://api.stlouisfed.org/fred"
GRAPH_CSV_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"

# FRED's documented limits: 120 requests a minute per key, at most 100,000 observations a
# page (10,000 release dates a page).
REQUESTS_PER_MINUTE = 120
OBSERVATIONS_PAGE_LIMIT = 100_000
RELEASE_DATES_PAGE_LIMIT = 10_000

# FRED's "still current" end of a real-time period.
LATEST_REALTIME = dt.date(9999, 12, 31)

KEY_SERIES: Mapping[str, str] = MappingProxyType(
    {
        "GDP": "Gross domestic product, nominal (quarterly, SAAR, billions of dollars)",
        "CPIAUCSL": "Consumer price index, all urban consumers, all items (SA)",
        "CPILFESL": "Core CPI: all items less food and energy (SA)",
        "PCEPI": "Personal consumption expenditures price index (SA)",
        "UNRATE": "Civilian unemployment rate (SA, percent)",
        "PAYEMS": "All employees, total nonfarm payrolls (SA, thousands)",
        "ICSA": "Initial jobless claims (weekly, SA)",
        "FEDFUNDS": "Effective federal funds rate (monthly average, percent)",
        "DGS2": "2-year Treasury constant maturity yield (daily, percent)",
        "DGS10": "10-year Treasury constant maturity yield (daily, percent)",
        "T10Y2Y": "10-year minus 2-year Treasury constant maturity spread (daily, percent)",
        "INDPRO": "Industrial production index (SA)",
        "RSAFS": "Advance retail sales: retail trade and food services (SA, millions)",
        "HOUST": "Housing starts, total new privately owned units (SAAR, thousands)",
        "UMCSENT": "University of Michigan consumer sentiment index",
        "M2SL": "M2 money stock (SA, billions of dollars)",
    }
)


@dataclass(frozen=True, slots=True)
class FredConfig:
    """How to reach FRED; without `api_key` observations come from the keyless CSV."""

    api_key: SecretStr | None = None
    api_url: str = API_URL
    csv_url: str = GRAPH_CSV_URL
    requests_per_minute: float = REQUESTS_PER_MINUTE
    page_limit: int = OBSERVATIONS_PAGE_LIMIT
    timeout: float = 10.0

    @classmethod
    def from_settings(cls, settings: Settings) -> FredConfig:
        return cls(api_key=settings.fred.api_key)

    @property
    def keyed(self) -> bool:
        return self.api_key is not None and bool(self.api_key.get_secret_value())
