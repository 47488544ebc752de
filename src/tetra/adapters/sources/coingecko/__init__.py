"""CoinGecko: daily USD price, market cap and volume series (`PriceSeriesSource`)."""

from tetra.adapters.sources.coingecko.config import COIN_IDS, CoinGeckoConfig
from tetra.adapters.sources.coingecko.data import CoinGeckoSource

__all__ = ["COIN_IDS", "CoinGeckoConfig", "CoinGeckoSource"]
