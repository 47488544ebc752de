"""Alpha Vantage settings: endpoint, quotas, key, feed time zone and symbol mapping."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from pydantic import SecretStr

SOURCE = "alphavantage"
CRYPTO_PREFIX = "CRYPTO:"
DEFAULT_CRYPTO = frozenset({"BTC", "ETH", "SOL", "XRP", "ADA", "DOGE", "LTC", "BNB", "DOT"})


@dataclass(frozen=True)
class AlphaVantageConfig:
    """How to reach Alpha Vantage and how Tetra's symbols map to its tickers.

    Quotas: the free key allows 25 requests a day and at most 5 a minute; the adapter paces
    by both (a request waits for a token from each bucket). `feed_timezone` is the zone of
    NEWS_SENTIMENT's ``time_published`` and ``time_from``/``time_to``: the documentation
    does not state it; US/Eastern is assumed, as for Alpha Vantage's other time stamps.
    """

    api_key: SecretStr
    base_url: str = "https://www.alphavantage.co"
    requests_per_day: float = 25.0
    requests_per_minute: float = 5.0
    feed_timezone: str = "America/New_York"
    news_limit: int = 1000
    earnings_horizon: str = "3month"
    crypto: frozenset[str] = DEFAULT_CRYPTO
    tickers: Mapping[str, str] = field(default_factory=dict)
    timeout: float = 15.0

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.feed_timezone)

    def vendor_ticker(self, symbol: str) -> str:
        """Return Alpha Vantage's ticker for a Tetra symbol (``BTC`` -> ``CRYPTO:BTC``)."""
        if symbol in self.tickers:
            return self.tickers[symbol]
        return f"{CRYPTO_PREFIX}{symbol}" if symbol in self.crypto else symbol

    def tetra_symbol(self, ticker: str) -> str:
        """Return Tetra's symbol for an Alpha Vantage ticker (``CRYPTO:BTC`` -> ``BTC``).

        Other namespaced tickers (``FOREX:USD``) are kept as the vendor spells them.
        """
        for symbol, vendor in self.tickers.items():
            if vendor == ticker:
                return symbol
        return ticker.removeprefix(CRYPTO_PREFIX)
