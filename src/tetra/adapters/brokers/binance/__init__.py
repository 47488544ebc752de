"""Binance spot: signed REST (HMAC), filters checked in Decimal, testnet by setting."""

from tetra.adapters.brokers.binance.config import BinanceConfig
from tetra.adapters.brokers.binance.execution import BinanceBroker

__all__ = ["BinanceBroker", "BinanceConfig"]
