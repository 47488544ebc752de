"""Polygon.io settings: where it lives, how fast we may call it, and how it spells symbols."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from pydantic import SecretStr

from tetra.settings import Settings

SOURCE = "polygon"
BASE_URL = "https://api.polygon.io"
FREE_TIER_REQUESTS_PER_MINUTE = 5.0

# The crypto symbols of Tetra's universe; Polygon quotes them against the dollar as X:BTCUSD.
DEFAULT_CRYPTO = frozenset({"BTC", "ETH", "XRP", "BNB", "SOL", "TRX", "DOGE", "ADA", "HYPE", "BCH"})

# Tetra's interval -> Polygon's (multiplier, timespan).
INTERVALS: Mapping[str, tuple[int, str]] = MappingProxyType(
    {"1d": (1, "day"), "1h": (1, "hour"), "1m": (1, "minute")}
)


@dataclass(frozen=True, slots=True)
class PolygonConfig:
    """How to reach Polygon: key, base URL, request rate and symbol spelling.

    `requests_per_minute` defaults to the free tier's 5; paid plans may raise it (stay under
    100 requests per second). `symbol_overrides` maps a Tetra symbol to a Polygon ticker
    where the generic rules (equities as is, crypto as ``X:<BASE>USD``) do not fit.
    """

    api_key: SecretStr
    base_url: str = BASE_URL
    requests_per_minute: float = FREE_TIER_REQUESTS_PER_MINUTE
    timeout: float = 10.0
    page_limit: int = 50_000
    reference_page_limit: int = 1_000
    max_pages: int = 1_000
    crypto: frozenset[str] = DEFAULT_CRYPTO
    symbol_overrides: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.api_key.get_secret_value():
            raise ValueError("the Polygon API key is empty")
        if self.requests_per_minute <= 0:
            raise ValueError("requests_per_minute must be positive")

    @classmethod
    def from_settings(cls, settings: Settings) -> PolygonConfig:
        """Build the config from `Settings().polygon`; raise ValueError when no key is set."""
        key = settings.polygon.api_key
        if key is None:
            raise ValueError("no Polygon API key: set TETRA_POLYGON__API_KEY")
        return cls(api_key=key)

    def is_crypto(self, symbol: str) -> bool:
        return symbol.upper() in self.crypto

    def vendor_symbol(self, symbol: str) -> str:
        """Return Polygon's ticker for a Tetra symbol: ``BRK.B`` stays, ``BTC`` -> ``X:BTCUSD``."""
        if symbol in self.symbol_overrides:
            return self.symbol_overrides[symbol]
        if self.is_crypto(symbol):
            return f"X:{symbol.upper()}USD"
        return symbol.upper()

    def tetra_symbol(self, ticker: str) -> str:
        """Return the Tetra symbol of a Polygon ticker (the inverse of `vendor_symbol`)."""
        for symbol, vendor in self.symbol_overrides.items():
            if vendor == ticker:
                return symbol
        if ticker.startswith("X:") and ticker.endswith("USD"):
            return ticker[2:-3]
        return ticker
