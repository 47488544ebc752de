"""NewsAPI settings: endpoint, daily quota, key, and how a symbol becomes a search query."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pydantic import SecretStr

SOURCE = "newsapi"


@dataclass(frozen=True)
class NewsApiConfig:
    """How to reach NewsAPI and what to ask it.

    `companies` maps a Tetra symbol to the company name searched beside the ticker
    (``{"NVDA": "NVIDIA"}`` gives the query ``"NVIDIA" OR "NVDA"``); a symbol without a
    name is searched by its ticker alone. The developer plan allows 100 requests a day
    (granted as 50 every 12 hours) and at most 100 results per query, hence the defaults.
    """

    api_key: SecretStr
    base_url: str = "https://newsapi.org"
    companies: Mapping[str, str] = field(default_factory=dict)
    language: str = "en"
    page_size: int = 100
    max_pages: int = 5
    requests_per_day: float = 100.0
    timeout: float = 10.0

    def query_for(self, symbol: str) -> str:
        """Return the `q` parameter for `symbol`: the quoted company name OR the quoted ticker.

        Quoting makes NewsAPI match the phrase exactly, and keeps tickers with
        punctuation (``BRK.B``) in one piece.
        """
        ticker = f'"{symbol}"'
        name = self.companies.get(symbol, "").replace('"', "").strip()
        return f'"{name}" OR {ticker}' if name else ticker
