"""Binance spot: daily (or finer) OHLCV klines, keyless public market data (`BarSource`)."""

from tetra.adapters.sources.binance.config import BinanceConfig
from tetra.adapters.sources.binance.data import BinanceSource

__all__ = ["BinanceConfig", "BinanceSource"]
