"""CoinGecko configuration: root URL, key, pacing, history limit and coin ids.

CoinGecko names coins by API id, not by ticker (tickers are not unique there). `COIN_IDS`
maps the ten coins of Tetra's crypto universe (``src/tetra/data/universe.toml``) to their
ids; another coin needs its id added (find it on the coin's CoinGecko page, "API ID").

The demo plan (the free key) allows about 30 calls a minute and 10,000 a month, and serves
only the last 365 days of history. The key travels in the ``x-cg-demo-api-key`` header,
the method CoinGecko recommends (a query parameter would put it in URLs and logs).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from pydantic import SecretStr

from tetra.core.errors import SourceUnavailable
from tetra.settings import Settings

SOURCE = "coingecko"

COIN_IDS: Mapping[str, str] = MappingProxyType(
    {
        "BTC": "bitcoin",
        "ETH": "ethereum",
        "XRP": "ripple",
        "BNB": "binancecoin",
        "SOL": "solana",
        "TRX": "tron",
        "DOGE": "dogecoin",
        "ADA": "cardano",
        "HYPE": "hyperliquid",
        "BCH": "bitcoin-cash",
    }
)

# Coins the "10 largest" ranking leaves out: stablecoins (a dollar, not an asset to trade) and
# wrapped or staked versions of another coin (the same asset twice). CoinGecko ids.
EXCLUDED_FROM_RANKING = frozenset(
    {
        "tether",
        "usd-coin",
        "usds",
        "dai",
        "ethena-usde",
        "first-digital-usd",
        "true-usd",
        "paypal-usd",
        "binance-bridged-usdt-bnb-smart-chain",
        "staked-ether",
        "wrapped-steth",
        "wrapped-bitcoin",
        "weth",
        "wrapped-beacon-eth",
        "wrapped-eeth",
        "coinbase-wrapped-btc",
        "binance-peg-weth",
    }
)


@dataclass(frozen=True, slots=True)
class CoinGeckoConfig:
    """Where and how to call CoinGecko; `max_history_days` is None for a paid plan."""

    base_url: str = "https://api.coingecko.com/api/v3"
    api_key: SecretStr | None = None
    key_header: str = "x-cg-demo-api-key"
    calls_per_minute: float = 30
    max_history_days: int | None = 365
    vs_currency: str = "usd"
    coin_ids: Mapping[str, str] = field(default_factory=lambda: COIN_IDS)
    excluded_ids: frozenset[str] = EXCLUDED_FROM_RANKING
    timeout: float = 10.0

    @classmethod
    def from_settings(cls, settings: Settings) -> CoinGeckoConfig:
        return cls(api_key=settings.coingecko.api_key)

    def coin_id(self, symbol: str) -> str:
        """Return the CoinGecko id of a Tetra symbol (``BTC`` -> ``bitcoin``)."""
        try:
            return self.coin_ids[symbol.strip().upper()]
        except KeyError:
            raise SourceUnavailable(
                SOURCE, f"no CoinGecko coin id is configured for {symbol}"
            ) from None

    def key_headers(self) -> dict[str, str]:
        """Return the request header carrying the key; none without a key (keyless access)."""
        if self.api_key is None:
            return {}
        return {self.key_header: self.api_key.get_secret_value()}
