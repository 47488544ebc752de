"""Paper trading: the backtest's simulated exchange behind the live broker port."""

from tetra.adapters.brokers.paper.config import PaperConfig
from tetra.adapters.brokers.paper.execution import PaperBroker

__all__ = ["PaperBroker", "PaperConfig"]
