"""GDELT 2.0: geopolitical events from the 15-minute Events export files (free, no key)."""

from tetra.adapters.sources.gdelt.config import GdeltConfig
from tetra.adapters.sources.gdelt.data import GdeltSource

__all__ = ["GdeltConfig", "GdeltSource"]
