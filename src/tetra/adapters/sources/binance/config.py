"""Binance spot configuration: where to ask, how fast, and which pair stands for a symbol.

Quote currency: Tetra's crypto series are in USD, and Binance's deep spot books are quoted in
USDT, a dollar stablecoin. We take ``BTCUSDT`` for ``BTC`` and treat USDT as USD. The two
trade within a fraction of a percent in normal times; during a depeg (USDT fell to about
0.95 USD in May 2022) the bars would drift from true USD prices, so cross-check against a
USD source (CoinGecko) before trusting a jump.

Stablecoins themselves (USDT, USDC, ...) have no USDT pair and the universe excludes them.
Some coins of the universe are not traded on Binance spot at all: HYPE (Hyperliquid) is
listed on Binance futures and on Binance.US spot, not on Binance spot. Those are refused
before any request, naming the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tetra.core.errors import SourceUnavailable
from tetra.settings import Settings

SOURCE = "binance"

# Binance's published spot limit: 6,000 request weight per minute per IP; a klines call
# weighs 2 whatever its `limit` (weights by limit apply to other endpoints).
WEIGHT_PER_MINUTE = 6_000
KLINES_WEIGHT = 2
MAX_LIMIT = 1_000

INTERVALS = frozenset(
    {"1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w"}
)

STABLECOINS = frozenset({"USDT", "USDC", "FDUSD", "TUSD", "DAI", "BUSD", "USDP"})


@dataclass(frozen=True, slots=True)
class BinanceConfig:
    """Public market data needs no key: base URL, pacing and the symbol-to-pair mapping.

    `weight_alarm` is the share of the per-minute weight that, once reported used by the
    ``X-MBX-USED-WEIGHT-1M`` header (which counts every client on our IP, not only this
    one), makes the adapter pause until the next minute.
    """

    base_url: str = "https://api.binance.com"
    quote_asset: str = "USDT"
    weight_per_minute: int = WEIGHT_PER_MINUTE
    weight_alarm: float = 0.8
    page_limit: int = MAX_LIMIT
    pairs: Mapping[str, str] = field(default_factory=dict)
    not_listed: frozenset[str] = frozenset({"HYPE"})
    timeout: float = 10.0

    @classmethod
    def from_settings(cls, settings: Settings) -> BinanceConfig:
        return cls(base_url=settings.binance.base_url)

    def pair(self, symbol: str) -> str:
        """Return the Binance pair of a Tetra symbol (``BTC`` -> ``BTCUSDT``)."""
        base = symbol.strip().upper()
        if base in self.pairs:
            return self.pairs[base]
        if base in STABLECOINS:
            raise SourceUnavailable(SOURCE, f"{base} is a stablecoin: there is no {base} pair")
        if base in self.not_listed:
            raise SourceUnavailable(SOURCE, f"{base} is not traded on Binance spot")
        return f"{base}{self.quote_asset}"
