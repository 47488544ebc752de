"""Alpaca: trading API v2 (REST) and the trade_updates stream, paper and live hosts."""

from tetra.adapters.brokers.alpaca.config import AlpacaConfig
from tetra.adapters.brokers.alpaca.execution import AlpacaBroker

__all__ = ["AlpacaBroker", "AlpacaConfig"]
