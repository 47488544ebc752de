"""Fake brokers for tests: in memory, and servers that speak the brokers' wire formats.

`InMemoryBroker` implements the broker port directly, with scripted faults.
"""

from tetra.testing.brokers.memory import InMemoryBroker
from tetra.testing.brokers.rig import PRICES, Rig, book_snapshot, eventually, trading_rig

__all__ = ["PRICES", "InMemoryBroker", "Rig", "book_snapshot", "eventually", "trading_rig"]
