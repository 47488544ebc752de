"""FRED (St. Louis Fed): economic series with vintages, keyed JSON API or keyless CSV."""

from tetra.adapters.sources.fred.config import KEY_SERIES, FredConfig
from tetra.adapters.sources.fred.data import FredSource

__all__ = ["KEY_SERIES", "FredConfig", "FredSource"]
