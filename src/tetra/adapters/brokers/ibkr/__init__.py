"""Interactive Brokers through ib_async: orderRef as Tetra's id, 1100/1101/1102, global cancel."""

from tetra.adapters.brokers.ibkr.config import IbkrConfig
from tetra.adapters.brokers.ibkr.execution import IbkrBroker

__all__ = ["IbkrBroker", "IbkrConfig"]
