"""yfinance settings: call options and how Yahoo spells Tetra's symbols."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

SOURCE = "yfinance"

# The crypto symbols of Tetra's universe; Yahoo quotes them against the dollar as BTC-USD.
DEFAULT_CRYPTO = frozenset({"BTC", "ETH", "XRP", "BNB", "SOL", "TRX", "DOGE", "ADA", "HYPE", "BCH"})


@dataclass(frozen=True, slots=True)
class YFinanceConfig:
    """Options of the `yfinance.download` call and the symbol spelling.

    Yahoo publishes no rate limit; `threads` lets yfinance fetch several tickers at once.
    `symbol_overrides` maps a Tetra symbol to a Yahoo ticker where the generic rules
    (share class dot -> dash, crypto ``<BASE>-USD``) do not fit.
    """

    timeout: float = 10.0
    threads: bool = True
    crypto: frozenset[str] = DEFAULT_CRYPTO
    symbol_overrides: Mapping[str, str] = field(default_factory=dict)

    def is_crypto(self, symbol: str) -> bool:
        return symbol.upper() in self.crypto

    def vendor_symbol(self, symbol: str) -> str:
        """Return Yahoo's ticker: ``BRK.B`` -> ``BRK-B``, ``BTC`` -> ``BTC-USD``."""
        if symbol in self.symbol_overrides:
            return self.symbol_overrides[symbol]
        if self.is_crypto(symbol):
            return f"{symbol.upper()}-USD"
        return symbol.upper().replace(".", "-")

    def tetra_symbol(self, ticker: str) -> str:
        """Return the Tetra symbol of a Yahoo ticker (the inverse of `vendor_symbol`)."""
        for symbol, vendor in self.symbol_overrides.items():
            if vendor == ticker:
                return symbol
        base, _, quote = ticker.partition("-")
        if quote == "USD" and base in self.crypto:
            return base
        return ticker.replace("-", ".")
